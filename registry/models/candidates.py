"""Candidates and the stage events that move them towards membership."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.domain.vocabulary import EXIT_REASONS, GENDERS, GROUPS, STAGE_LABELS, SUBGROUPS, Stage
from registry.extensions import Model
from registry.models._types import one_of, utcnow

if TYPE_CHECKING:
    from registry.models.areas import PartyCell, Unit


class Candidate(Model):
    """A person on the way to membership.

    Each stage's date is stored on the row (kept in step with the events by the stage
    service alone), so lists and reports filter on indexed columns without reading events.
    """

    __tablename__ = "candidate"
    __table_args__ = (
        one_of("gender", GENDERS),
        one_of("group_code", GROUPS),
        one_of("subgroup", SUBGROUPS),
        one_of("stage", STAGE_LABELS),
        one_of("exit_reason", EXIT_REASONS),
        # Keyset pagination by name within a scope.
        Index("ix_candidate_unit_sort", "unit_id", "sort_key", "id"),
        Index("ix_candidate_cell_sort", "cell_id", "sort_key", "id"),
        Index("ix_candidate_sort", "sort_key", "id"),
        Index("ix_candidate_stage_unit", "stage", "unit_id"),
        # Per-stage counts of an area's or a unit's candidates, without reading the rows.
        Index("ix_candidate_unit_stage", "unit_id", "stage"),
        # Name search: a b-tree on SQLite, a trigram GIN index on PostgreSQL (it answers
        # LIKE 'word%' and LIKE '% word%' as well as equality).
        Index(
            "ix_candidate_name_key",
            "name_key",
            postgresql_using="gin",
            postgresql_ops={"name_key": "gin_trgm_ops"},
        ),
        # The birth-date sort and the turning-18 alert; the stalled alert.
        Index("ix_candidate_birth", "birth_date", "id"),
        Index("ix_candidate_last_event", "last_event_date", "id"),
        # Reports: every figure of the people who never moved (who is on the list at a
        # period end, what they reached in a period), per unit, read off the index alone.
        Index(
            "ix_candidate_report_state",
            "unit_id",
            "source_date",
            "admitted_date",
            "full_member_date",
            "exited_date",
            "trained_date",
            "moved",
            "cell_resolution_date",
            "decision_date",
            "gender",
            "ethnicity",
            "religion",
            "youth_union_date",
            "trade_union",
            "birth_date",
            "education",
            "readmission",
            "id",
        ),
        # The few whose figures are read from their events (queries._Parts.moved).
        Index(
            "ix_candidate_moved",
            "id",
            sqlite_where=text("moved = 1"),
            postgresql_where=text("moved"),
        ),
        # Ids are never handed out again (links and the audit log name them).
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120))
    # textutil.sort_key: compared byte by byte (COLLATE "C"; SQLite compares bytes anyway).
    sort_key: Mapped[str] = mapped_column(
        String(120).with_variant(String(120, collation="C"), "postgresql")
    )
    gender: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date] = mapped_column(Date)
    ethnicity: Mapped[str | None] = mapped_column(String(2), index=True)
    religion: Mapped[str | None] = mapped_column(String(100))
    id_number: Mapped[str | None] = mapped_column(String(12), unique=True)
    hometown: Mapped[str | None] = mapped_column(String(255))
    education: Mapped[str | None] = mapped_column(String(20))
    group_code: Mapped[str] = mapped_column(String(10))
    subgroup: Mapped[str] = mapped_column(String(12))
    class_or_job: Mapped[str | None] = mapped_column(String(120))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    cell_id: Mapped[int | None] = mapped_column(ForeignKey("party_cell.id"))
    youth_union_date: Mapped[date | None] = mapped_column(Date)
    trade_union: Mapped[bool] = mapped_column(Boolean, default=False)
    helpers: Mapped[str | None] = mapped_column(String(255))
    introducers: Mapped[str | None] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    # Readmission (kết nạp lại, reference rule 16): a former member who left the Party;
    # the date and reason they left, and the day a minor criminal record was expunged.
    readmission: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    left_party_date: Mapped[date | None] = mapped_column(Date)
    left_party_reason: Mapped[str | None] = mapped_column(String(255))
    record_expunged_date: Mapped[date | None] = mapped_column(Date)

    stage: Mapped[str] = mapped_column(String(24), default=Stage.SOURCE.value)
    source_date: Mapped[date | None] = mapped_column(Date)
    trained_date: Mapped[date | None] = mapped_column(Date, index=True)
    certificate_no: Mapped[str | None] = mapped_column(String(60))
    dossier_date: Mapped[date | None] = mapped_column(Date)
    cell_resolution_date: Mapped[date | None] = mapped_column(Date, index=True)
    committee_resolution_date: Mapped[date | None] = mapped_column(Date)
    decision_date: Mapped[date | None] = mapped_column(Date, index=True)
    decision_no: Mapped[str | None] = mapped_column(String(60))
    admitted_date: Mapped[date | None] = mapped_column(Date, index=True)
    full_member_date: Mapped[date | None] = mapped_column(Date)
    exited_date: Mapped[date | None] = mapped_column(Date)
    exit_reason: Mapped[str | None] = mapped_column(String(24))
    last_event_date: Mapped[date | None] = mapped_column(Date)
    # The last day the dossier holds every required item, valid; None when it does not
    # (kept by services/candidates/dossier, read by the dossier_incomplete alert).
    dossier_valid_until: Mapped[date | None] = mapped_column(Date)
    # The chi bộ's resolution proposing recognition (the latest such dossier item), kept
    # by services/candidates/dossier; the recognition alerts read it.
    recognition_resolution_date: Mapped[date | None] = mapped_column(Date)
    # Set by triggers (migration 0009) once the unit changed or an event lies in another
    # unit: only then may the unit of a past state differ from unit_id.
    moved: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))
    # Set when a person's data has been erased at their request (the row keeps the counts).
    erased: Mapped[bool] = mapped_column(Boolean, default=False)

    unit: Mapped[Unit] = relationship()
    cell: Mapped[PartyCell | None] = relationship()
    events: Mapped[list[StageEvent]] = relationship(
        back_populates="candidate",
        order_by="(StageEvent.event_date, StageEvent.id)",
        cascade="all, delete-orphan",
    )

    @property
    def exited(self) -> bool:
        return self.stage == Stage.EXITED

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]

    def __repr__(self) -> str:
        return f"<Candidate {self.id} {self.full_name}>"


class StageEvent(Model):
    """One step a candidate took, with the unit and cell they belonged to at the time."""

    __tablename__ = "stage_event"
    __table_args__ = (
        one_of("stage", STAGE_LABELS),
        one_of("reason", EXIT_REASONS),
        Index("ix_stage_event_candidate", "candidate_id", "stage"),
        # Reports: events of a stage in a period by the unit they happened in (covering);
        # "reached stage X within the period" reads its candidate ids off it too.
        Index("ix_stage_event_report", "stage", "event_date", "candidate_id", "unit_id"),
        # Reports: the unit of a person's latest event by a date, and whether a renewed
        # certificate is the latest in a period (one seek per person, covering).
        Index(
            "ix_stage_event_history", "candidate_id", "event_date", "sequence", "stage", "unit_id"
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(24))
    event_date: Mapped[date] = mapped_column(Date)
    document_no: Mapped[str | None] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(String(24))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    cell_id: Mapped[int | None] = mapped_column(ForeignKey("party_cell.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))
    sequence: Mapped[int] = mapped_column(Integer, default=0)

    candidate: Mapped[Candidate] = relationship(back_populates="events")

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]


class CandidateTally(Model):
    """How many candidates each (unit, cell, group, subgroup, stage) holds.

    Written by database triggers on `candidate` (migration 0005), never by the
    application, so every path that adds, moves, advances or removes a candidate (forms,
    imports and their rollback, erasure, restore) keeps it exact in the same transaction.
    The list's per-stage counts for a whole scope read these few thousand rows instead of
    counting a million candidates. `cell_id` 0 stands for "no cell" (a key column cannot
    be NULL in a primary key).
    """

    __tablename__ = "candidate_tally"

    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    cell_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    group_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    subgroup: Mapped[str] = mapped_column(String(12), primary_key=True)
    stage: Mapped[str] = mapped_column(String(24), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class CandidateWord(Model):
    """One word of a candidate's folded name (name_key), with the name order and the
    scope's key columns: the search's index.

    Written by database triggers on `candidate` (migration 0022), never by the
    application, like the tally: every path that adds, renames, moves or removes a
    candidate (forms, imports and their rollback, erasure, restore) keeps it in step in
    the same transaction. The primary key (word, sort_key, candidate_id) is the only
    index: a search for a word walks it in Vietnamese name order and stops after one
    page; unit_id, cell_id and subgroup let the scope (`scope_filter`, the tally's rule)
    decide on the entry itself. No foreign key: checking one on each deleted candidate
    would need an index on candidate_id, written on every imported row; the triggers
    delete a candidate's words by the primary key.
    """

    __tablename__ = "candidate_word"
    __table_args__ = ({"sqlite_with_rowid": False},)

    word: Mapped[str] = mapped_column(
        String(120).with_variant(String(120, collation="C"), "postgresql"), primary_key=True
    )
    sort_key: Mapped[str] = mapped_column(
        String(120).with_variant(String(120, collation="C"), "postgresql"), primary_key=True
    )
    candidate_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    unit_id: Mapped[int] = mapped_column(Integer)
    cell_id: Mapped[int | None] = mapped_column(Integer)
    subgroup: Mapped[str] = mapped_column(String(12))


# Tables a backend keeps beside the models' (SQLite's full-text index of names and its
# shadow tables): not in the metadata, so schema comparisons and autogenerate skip them.
BACKEND_TABLE_PREFIXES = ("candidate_name",)


def include_name(name: str | None, type_: str, parent_names) -> bool:
    """Alembic's include_name hook: leave the backend-only tables alone."""
    return not (type_ == "table" and name and name.startswith(BACKEND_TABLE_PREFIXES))
