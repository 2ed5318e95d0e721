"""All models, importable from one place (Alembic reads db.metadata through this)."""

from registry.models.accounts import AuditLog, RateLimitCounter, User
from registry.models.areas import (
    Area,
    EnterpriseSurvey,
    Holiday,
    PartyCell,
    Setting,
    Target,
    Unit,
)
from registry.models.candidates import Candidate, CandidateTally, StageEvent
from registry.models.imports import ImportBatch, ImportChange, ImportMapping, SubmittedReport

__all__ = [
    "Area",
    "AuditLog",
    "Candidate",
    "CandidateTally",
    "EnterpriseSurvey",
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
