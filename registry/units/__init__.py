"""Areas, units, party cells, enterprise surveys and targets."""

from typing import Any

from flask import Blueprint

bp = Blueprint("units", __name__, url_prefix="/units", template_folder="templates")


@bp.app_template_global("units_page_url")
def page_url(page: int) -> str:
    """The current page's URL with its filters kept and another page number."""
    from flask import request, url_for

    values: dict[str, Any] = {**request.args.to_dict(), **(request.view_args or {}), "page": page}
    return url_for(request.endpoint or "", **values)


@bp.app_template_global("units_has_endpoint")
def has_endpoint(name: str) -> bool:
    """Whether another feature's page exists (e.g. the candidate page) before linking it."""
    from flask import current_app

    return name in current_app.view_functions


from registry.units import (  # noqa: E402, F401  (routes on bp)
    views,
    views_areas,
    views_cells,
    views_surveys,
    views_targets,
    views_transfer,
    views_units,
)
