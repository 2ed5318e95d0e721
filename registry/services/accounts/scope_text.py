"""How a user's scope reads in Vietnamese."""

from registry.domain.vocabulary import GROUPS, SUBGROUPS
from registry.models import User


def describe_scope(user: User) -> str:
    if user.role in ("admin", "province"):
        text = "Toàn tỉnh"
    elif user.role == "area" and user.area is not None:
        text = user.area.name
    elif user.role == "cell" and user.cell is not None:
        text = user.cell.name
    else:
        text = "Chưa được giao phạm vi"
    restriction = SUBGROUPS.get(user.subgroup or "") or GROUPS.get(user.group_code or "")
    return f"{text} — chỉ {restriction.lower()}" if restriction else text
