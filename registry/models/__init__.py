"""All models, importable from one place (Alembic reads db.metadata through this)."""

from registry.models.accounts import AuditLog, RateLimitCounter, User
from registry.models.areas import Area, EnterpriseSurvey, PartyCell, Target, Unit
from registry.models.calendar import Holiday
from registry.models.candidates import Candidate, CandidateTally, StageEvent
from registry.models.imports import ImportBatch, ImportChange, ImportMapping
from registry.models.reports import SubmittedReport
from registry.models.settings import Setting
from registry.models.submissions import FormSubmission
from registry.models.tokens import ApiToken

__all__ = [
    "ApiToken",
    "Area",
    "AuditLog",
    "Candidate",
    "CandidateTally",
    "EnterpriseSurvey",
    "FormSubmission",
    "Holiday",
    "ImportBatch",
    "ImportChange",
    "ImportMapping",
    "PartyCell",
    "RateLimitCounter",
    "Setting",
    "StageEvent",
    "SubmittedReport",
    "Target",
    "Unit",
    "User",
]
