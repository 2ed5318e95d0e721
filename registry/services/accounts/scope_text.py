"""How a user's scope reads in Vietnamese."""

from registry.domain.report_kinds import counted_text
from registry.models import User
from registry.scoping import scope_role


def describe_scope(user: User) -> str:
    role = scope_role(user)
    if role in ("admin", "province"):
        text = "Toàn tỉnh"
    elif role == "area" and user.area is not None:
        text = user.area.name
    elif role == "cell" and user.cell is not None:
        text = user.cell.name
    else:
        text = "Chưa được giao phạm vi"
    restriction = user.subgroup_codes
    return f"{text} — chỉ {counted_text(restriction)}" if restriction else text
