"""Home page: the user's scope and headline counts."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from registry.domain.rounds import REPORTER_STATES
from registry.domain.vocabulary import STAGE_LABELS, STAGE_ORDER, Stage
from registry.domain.workdays import today_vn
from registry.extensions import db
from registry.main import bp
from registry.main.home_charts import dashboard_context
from registry.models import Candidate
from registry.scoping import scope_filter
from registry.services import dashboard
from registry.services.accounts.scope_text import describe_scope
from registry.services.candidates.alert_lists import alert_counts
from registry.services.rounds.rounds import to_do_rounds


@bp.route("/")
@login_required
def home():
    where = scope_filter(current_user, Candidate)
    by_stage = dict(
        db.session.execute(
            select(Candidate.stage, func.count()).where(where).group_by(Candidate.stage)
        ).all()
    )
    today = today_vn()
    stages = [(s.value, STAGE_LABELS[s], by_stage.get(s.value, 0)) for s in STAGE_ORDER]
    stages.append((Stage.EXITED.value, STAGE_LABELS[Stage.EXITED], by_stage.get("exited", 0)))
    return render_template(
        "main/home.html",
        scope=describe_scope(current_user),
        stages=stages,
        headline=dashboard.headline(db.session, current_user, today),
        today=today,
        alert_counts=alert_counts(db.session, current_user, today),
        rounds_to_do=to_do_rounds(db.session(), current_user),
        domain_rounds_states=REPORTER_STATES,
        **dashboard_context(db.session, current_user, today, stages),
    )


@bp.route("/health")
def health():
    """For nginx, systemd and load balancers: 200 when the database answers, 503 if not."""
    try:
        db.session.execute(select(1))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok"}
