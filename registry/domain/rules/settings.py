"""The figures the admission rules, the dossier and the deadline alerts count with: ages
in months, validity periods, working-day deadlines, introducers, the vote share.

Each is a field of RuleSettings, so a value the sources leave unconfirmed can be set:
RULE_<FIELD> in the environment goes into app.config["RULES"], which
registry.settings.rule_settings() reads. The domain functions take the settings as an
argument, DEFAULT_SETTINGS when none is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class RuleSettings:
    min_age_months: int = 216
    max_age_months: int = 720
    certificate_valid_months: int = 60
    certificate_warn_days: int = 90
    probation_months: int = 12
    dossier_stale_months: int = 12
    min_introducers: int = 2
    # Lower secondary ends at grade 9 in the 12-year system, grade 7 in the old 10-year one.
    min_grade_12: int = 9
    min_grade_10: int = 7
    # Rule 3a: in disadvantaged areas primary school completed is enough (grade 5 of 12,
    # grade 4 of the old 10-year system).
    min_grade_12_disadvantaged: int = 5
    min_grade_10_disadvantaged: int = 4
    decision_deadline_workdays: int = 60
    ceremony_deadline_workdays: int = 30
    recognition_overdue_workdays: int = 30
    # Rule 11: the competent committee decides within 30 working days of the chi bộ's
    # recognition resolution.
    recognition_decision_workdays: int = 30
    probation_warn_days: int = 30
    turning_18_warn_months: int = 3
    stalled_months: int = 12
    # Rule 6a [M]: the youth-union (or trade-union) resolution replaces one introducer.
    union_resolution_replaces_introducer: bool = True
    min_months_together: int = 12
    # Rule 7 [M]: a resolution needs this share of the full members in favour.
    vote_share_numerator: int = 2
    vote_share_denominator: int = 3
    # Rule 16: readmission at least 36 months after leaving the Party; 60 months after
    # the expungement of a minor criminal record. The text of QĐ 294 was not read: settings.
    readmission_wait_months: int = 36
    readmission_wait_after_record_months: int = 60

    @property
    def vote_share(self) -> Fraction:
        return Fraction(self.vote_share_numerator, self.vote_share_denominator)


DEFAULT_SETTINGS = RuleSettings()
