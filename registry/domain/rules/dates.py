"""The dates the admission rules derive: end of probation, certificate expiry, age 18,
the first day a readmission may be considered.

The stage checks, the deadline alerts, the dossier and the reports all count from
these, so each is computed once, here.
"""

from __future__ import annotations

from datetime import date

from registry.domain.rules.facts import Readmission
from registry.domain.rules.settings import DEFAULT_SETTINGS, RuleSettings
from registry.domain.workdays import add_months


def probation_end(admitted: date, settings: RuleSettings = DEFAULT_SETTINGS) -> date:
    """The day the probation's 12 months are complete (the earliest recognition date)."""
    return add_months(admitted, settings.probation_months)


def effective_full_member_date(admitted: date, settings: RuleSettings = DEFAULT_SETTINGS) -> date:
    """Full membership takes effect when probation ends, however late the meetings are."""
    return probation_end(admitted, settings)


def certificate_expiry(trained: date, settings: RuleSettings = DEFAULT_SETTINGS) -> date:
    """The last day on which the training certificate is still valid."""
    return add_months(trained, settings.certificate_valid_months)


def adult_date(birth: date, settings: RuleSettings = DEFAULT_SETTINGS) -> date:
    """The first day the chi bộ may propose the person (18 full years)."""
    return add_months(birth, settings.min_age_months)


def readmission_from(readmission: Readmission, settings: RuleSettings = DEFAULT_SETTINGS) -> date:
    """The first day the chi bộ may consider readmitting: 36 full months after leaving,
    and 60 after a minor criminal record was expunged when there was one (the later)."""
    first = add_months(readmission.left, settings.readmission_wait_months)
    if readmission.expunged is not None:
        after_record = add_months(
            readmission.expunged, settings.readmission_wait_after_record_months
        )
        first = max(first, after_record)
    return first
