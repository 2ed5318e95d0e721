"""The list's bulk action: one stage, one date, one document number for the rows ticked."""

from __future__ import annotations

from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Optional

from forms.base import REQUIRED, BaseForm, MaxLength
from forms.candidates import not_in_future
from forms.fields import SelectChoice, VNDateField
from registry.domain.vocabulary import STAGE_LABELS, STAGE_ORDER, Stage

# Leaving the list needs a reason per person, and the source stage is where everyone starts.
BULK_STAGES = tuple(s.value for s in STAGE_ORDER if s != Stage.SOURCE)


def selected_ids(values: list[str], limit: int) -> list[int]:
    """The ticked ids as numbers, in order, without repeats or non-numbers."""
    seen: dict[int, None] = {}
    for value in values:
        if value.strip().isdigit():
            seen.setdefault(int(value), None)
    return list(seen)[:limit]


class BulkStageForm(BaseForm):
    """Field ids are prefixed: the filter form on the same page has a "stage" too."""

    stage = SelectField(
        "Bước",
        choices=[
            SelectChoice("", "— Chọn bước —"),
            *(SelectChoice(s, STAGE_LABELS[s]) for s in BULK_STAGES),
        ],
        validators=[DataRequired("Hãy chọn bước.")],
        id="bulk-stage",
    )
    event_date = VNDateField(
        "Ngày", validators=[InputRequired(REQUIRED), not_in_future], id="bulk-date"
    )
    document_no = StringField(
        "Số văn bản (giấy chứng nhận, nghị quyết, quyết định)",
        validators=[Optional(), MaxLength(60)],
        id="bulk-document",
    )
    note = StringField("Ghi chú", validators=[Optional(), MaxLength(500)], id="bulk-note")
    # One use: refreshing or resending the form records nothing twice.
    submission_token = HiddenField(id="bulk-token")
    submit = SubmitField("Ghi nhận cho những người đã chọn")
