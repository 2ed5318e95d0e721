"""Background jobs: what runs off the request, and how its state is kept."""

from registry.services import ServiceError


class JobRefused(ServiceError):
    """A request about a job that can't be honoured (cancel too late, a job still
    running on this batch); the message is for the user."""
