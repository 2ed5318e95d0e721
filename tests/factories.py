"""factory_boy factories over the Flask-SQLAlchemy session (they flush, never commit)."""

from __future__ import annotations

from datetime import date

import factory
from factory.alchemy import SQLAlchemyModelFactory

from registry.domain.textutil import fold
from registry.domain.textutil import sort_key as name_order
from registry.extensions import db
from registry.models import Area, Candidate, Organisation, PartyCell, StageEvent, Unit, User
from registry.services.org.area_paths import add_area

PASSWORD = "mat-khau-thu-1"


class _Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class AreaFactory(_Base):
    class Meta:
        model = Area

    code = factory.Sequence(lambda n: f"A{n:04d}")
    name = factory.Sequence(lambda n: f"Phường Thử Nghiệm {n}")
    level = "commune"
    parent = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        return add_area(db.session, **kwargs)


class CellFactory(_Base):
    class Meta:
        model = PartyCell

    name = factory.Sequence(lambda n: f"Chi bộ số {n}")
    name_key = factory.LazyAttribute(lambda o: fold(o.name))
    area = factory.SubFactory(AreaFactory)
    kind = "co_so"


class UnitFactory(_Base):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Trường THPT số {n}")
    name_key = factory.LazyAttribute(lambda o: fold(o.name))
    kind = "thpt"
    area = factory.SubFactory(AreaFactory)
    cell = factory.SubFactory(CellFactory, area=factory.SelfAttribute("..area"))


class CandidateFactory(_Base):
    class Meta:
        model = Candidate

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Đức {n}")
    name_key = factory.LazyAttribute(lambda o: fold(o.full_name))
    sort_key = factory.LazyAttribute(lambda o: name_order(o.full_name))
    gender = "M"
    birth_date = date(2006, 5, 1)
    ethnicity = "01"
    group_code = "student"
    subgroup = "thpt"
    unit = factory.SubFactory(UnitFactory)
    cell = factory.LazyAttribute(lambda o: o.unit.cell)
    stage = "source"
    source_date = date(2024, 9, 5)
    last_event_date = factory.SelfAttribute("source_date")

    @factory.post_generation
    def source_event(obj, create, extracted, **kwargs):
        if create and obj.source_date:
            db.session.add(
                StageEvent(
                    candidate=obj,
                    stage="source",
                    event_date=obj.source_date,
                    unit_id=obj.unit.id,
                    cell_id=obj.cell.id if obj.cell else None,
                )
            )


class OrganisationFactory(_Base):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"CQ{n}")
    name = factory.Sequence(lambda n: f"Cơ quan {n}")
    style = "state"
    issuer_code = ""
    issuing_body = ""
    place = ""
    signer_title = ""
    signer_name = ""
    preparer_name = ""
    form_code = ""
    subgroups = ""


class UserFactory(_Base):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    role = "admin"
    password_hash = factory.LazyFunction(lambda: _hash(PASSWORD))


def _hash(password: str) -> str:
    from werkzeug.security import generate_password_hash

    return generate_password_hash(password, method="pbkdf2:sha256:1000")


def login(client, user: User, password: str = PASSWORD):
    """Sign in through the real form; returns the response after redirects."""
    return client.post(
        "/login", data={"username": user.username, "password": password}, follow_redirects=True
    )
