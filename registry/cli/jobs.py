"""`jobs-worker`: the process that runs background jobs beside the web server."""

from __future__ import annotations

import logging

import click
from flask import current_app

from registry.services.jobs import runner
from registry.services.jobs.tasks import queue


@click.command("jobs-worker")
@click.option("--workers", default=1, show_default=True, help="Việc chạy cùng lúc (luồng).")
def jobs_worker(workers: int) -> None:
    """Run background jobs until stopped (Ctrl+C or SIGTERM finishes the job at hand)."""
    jobs = queue()
    if jobs.huey.immediate:
        raise click.ClickException("JOBS_IMMEDIATE chạy việc ngay trong tiến trình web.")
    failed = runner.recover_interrupted(jobs)
    if failed:
        click.echo(f"{failed} việc bị dừng giữa chừng trước đây đã được đánh dấu không thành công.")
    logging.getLogger("huey").setLevel(current_app.config["LOG_LEVEL"])
    # An idle worker looks at the queue at least once a second (huey's default backs off
    # to 10 s), so a job someone is watching starts at once.
    consumer = jobs.huey.create_consumer(workers=workers, worker_type="thread", max_delay=1.0)
    consumer.run()


COMMANDS = (jobs_worker,)
