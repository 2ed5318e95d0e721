"""All models, importable from one place (Alembic reads db.metadata through this)."""

from registry.models.accounts import AuditLog, RateLimitCounter, User
from registry.models.areas import Area, EnterpriseSurvey, PartyCell, Target, Unit
from registry.models.calendar import Holiday
from registry.models.candidates import Candidate, CandidateTally, CandidateWord, StageEvent
from registry.models.dossier import DossierItem, HelperNote, Introducer
from registry.models.imports import ImportBatch, ImportChange, ImportMapping
from registry.models.jobs import Job
from registry.models.organisations import Organisation, ReportTemplate
from registry.models.reports import SubmittedReport
from registry.models.rounds import (
    ReportingRound,
    RoundReporter,
    Submission,
    SubmissionDocument,
    SubmissionReport,
    SubmissionStep,
)
from registry.models.settings import Setting
from registry.models.submissions import FormSubmission
from registry.models.tokens import ApiToken

__all__ = [
    "ApiToken",
    "Area",
    "AuditLog",
    "Candidate",
    "CandidateTally",
    "CandidateWord",
    "DossierItem",
    "EnterpriseSurvey",
    "FormSubmission",
    "HelperNote",
    "Holiday",
    "ImportBatch",
    "ImportChange",
    "ImportMapping",
    "Introducer",
    "Job",
    "Organisation",
    "PartyCell",
    "RateLimitCounter",
    "ReportTemplate",
    "ReportingRound",
    "RoundReporter",
    "Setting",
    "StageEvent",
    "Submission",
    "SubmissionDocument",
    "SubmissionReport",
    "SubmissionStep",
    "SubmittedReport",
    "Target",
    "Unit",
    "User",
]
