"""Reporting rounds: open a round, send its reports, review them, lock and unlock the
period, consolidate what was approved (DESIGN "Reporting rounds")."""

from registry.services import ServiceError


class RoundError(ServiceError, ValueError):
    """A round step refused; the message is for the user."""
