"""How a user's scope reads in Vietnamese."""

from registry.domain.vocabulary import GROUPS, SUBGROUPS
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
    restriction = SUBGROUPS.get(user.subgroup or "") or GROUPS.get(user.group_code or "")
    return f"{text} — chỉ {restriction.lower()}" if restriction else text
