"""WSGI entry point for gunicorn and `flask --app wsgi`."""

from registry import create_app

app = create_app()
