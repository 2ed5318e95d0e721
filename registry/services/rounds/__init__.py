"""Reporting rounds: open a round, send its reports, review them, lock and unlock the
period, consolidate what was approved (DESIGN "Reporting rounds")."""

from registry.services import ServiceError


class RoundError(ServiceError, ValueError):
    """A round step refused; the message is for the user, the code (stable, in English)
    for a program (the API's 422)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
