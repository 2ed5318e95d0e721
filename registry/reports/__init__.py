"""Reports: download the Excel reports, submit them for a period, edit their header."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")

from registry.reports import (  # noqa: E402, F401  (routes on bp)
    views,
    views_register,
    views_settings,
    views_templates,
)
from registry.services.reports.submitted import flag_for_changed_events  # noqa: E402
from registry.signals import stage_events_changed  # noqa: E402

# A stage recorded inside a submitted period flags that report (the stage service only
# announces the change).
stage_events_changed.connect(flag_for_changed_events, weak=False)
