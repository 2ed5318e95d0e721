"""Match a header by the words it holds, when no alias names it exactly.

An alias list always misses the next header someone types ("Ngày cấp giấy chứng nhận
lớp bồi dưỡng nhận thức về Đảng", "Đơn vị/Doanh nghiệp", "Nơi công tác"). Each field
has weighted keywords (folded, so case, marks and line breaks don't matter); a word
that points elsewhere weighs against ("Ngày" against a number column, "Mã" against a
unit's name). The best field wins when it stands clear of the next one; how clear is
the score shown in the preview, and a column below `SURE` waits for the user to
confirm it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from registry.domain.textutil import fold

EXACT = 100  # the score of a header an alias or a parent › child pair names
SURE = 60  # below this, the preview asks the user to confirm the column
# A field needs this much weight to be proposed at all, and a clear lead over the next.
_MIN_WEIGHT = 3.0
_FULL_WEIGHT = 8.0
# A lead smaller than this is no guess worth showing.
_MIN_SCORE = 10
# A parent header's words count less than the column's own ("Lớp bồi dưỡng…" over
# "Số GCN" is a number, not a date).
PARENT_WEIGHT = 0.4
_WORD = re.compile(r"[0-9a-z]+")

_KEYWORDS: dict[str, str] = {
    "row_no": "stt:5 tt:4 thu tu:4",
    "full_name": "ho ten:5 ho va ten:5 ten:1 ho:1 quan chung:1 don vi:-3 chi bo:-3 "
    "doanh nghiep:-3 truong:-2 gioi thieu:-5 giup do:-5 dang vien:-3 dem:-3",
    "birth_date": "sinh:4 ngay sinh:2 ntns:5 dob:5 noi sinh:-6 que:-4",
    "gender": "gioi tinh:6 gioi:3 nam nu:4 phai:3 gioi thieu:-6",
    "ethnicity": "dan toc:6",
    "religion": "ton giao:6",
    "id_number": "cccd:6 cmnd:6 dinh danh:5 can cuoc:5 chung minh:5 cmtnd:6 cong dan:1",
    "hometown": "que quan:6 que:4 nguyen quan:5",
    "education": "trinh do:3 hoc van:4 van hoa:3 gdpt:3 pho thong:2 chinh tri:-6 "
    "chuyen mon:-4 ly luan:-6 ngoai ngu:-6 tin hoc:-6",
    "group": "doi tuong:5 thanh phan:3 ngay:-3",
    "unit_code": "ma:5 ma so:1 don vi:1 truong:1 doanh nghiep:1 thue:-6 dinh danh:-6",
    "unit_name": "don vi:4 truong:4 doanh nghiep:4 cong ty:4 noi cong tac:5 cong tac:3 "
    "noi hoc:4 noi lam viec:5 co so:2 hop tac xa:4 ten:1 ma:-5 chi bo:-3 ngay:-4 dang uy:-3 "
    "so:-2",
    "cell_name": "chi bo:6 ngay:-5 de nghi:-4 nghi quyet:-4 bieu quyet:-8 tan thanh:-8",
    "youth_union_date": "doan:4 doan thanh nien:3 tncs:3 ngay:1 cong doan:-8 dang:-4",
    "trade_union": "cong doan:6 cdv:6",
    "trained_date": "gcn:3 chung nhan:3 nhan thuc:4 boi duong:2 cam tinh:4 lop:1 ngay:1 cap:1 "
    "so:-4 so hieu:-2",
    "certificate_no": "so:3 gcn:3 chung nhan:3 so hieu:3 nhan thuc:1 ngay:-5",
    "cell_resolution_date": "chi bo:3 de nghi:3 nghi quyet:2 xet:1 ngay:1 dang uy:-5 ducs:-5 "
    "bieu quyet:-6 tan thanh:-6",
    "decision_date": "quyet dinh:4 qd:4 ngay:1 ket nap:1 so:-5",
    "decision_no": "quyet dinh:3 qd:3 so:3 ngay:-5",
    "admitted_date": "ket nap:4 vao dang:4 le ket nap:2 ngay:1 dang:1 quyet dinh:-4 qd:-4 "
    "doan:-6 de nghi:-5 gioi thieu:-6",
    "full_member_date": "chinh thuc:5 cong nhan:2 ngay:1 gioi thieu:-6 tan thanh:-6 "
    "bieu quyet:-6 phieu:-6",
    "note": "ghi chu:6",
    "source_date": "nguon:5 danh sach:2 ngay:1 ra khoi:-6",
    "dossier_date": "ho so:5 ngay:1",
    "committee_resolution_date": "dang uy:5 ducs:5 co so:1 de nghi:2 ngay:1",
    "class_or_job": "lop:3 cong viec:4 chuc vu:4 nghe nghiep:4 vi tri:3 bo phan:3 nhan thuc:-5 "
    "boi duong:-5 cam tinh:-5 gcn:-5",
    "helpers": "giup do:6",
    "introducers": "gioi thieu:6 1:-4 2:-4 thu nhat:-4 thu hai:-4 ngay:-4 thang:-4 chinh thuc:-4",
    **{
        f"introducer_{n}_{part}": f"gioi thieu:3 {n}:3 thu {ordinal}:3 {other}:-8 thu {rival}:-8 "
        f"tan thanh:-8 bieu quyet:-8 phieu:-8 {spec}"
        for n, ordinal, other, rival in ((1, "nhat", 2, "hai"), (2, "hai", 1, "nhat"))
        for part, spec in (
            ("name", "ho ten:1 ten:1 ngay:-8 thang:-8 chinh thuc:-6"),
            ("date", "ngay:2 ngay gioi thieu:3 chinh thuc:-8 thang:-8 vao dang:-4 ho ten:-6"),
            ("member_date", "chinh thuc:2 vao dang:1 ngay:1 ngay gioi thieu:-6 thang:-6 ho ten:-6"),
            ("months", "thang:4 so thang:2 cong tac:1 ngay:-6 ho ten:-6"),
        )
    },
    "cell_vote": "bieu quyet:6 tan thanh:6 phieu:3 ty le:2",
    "exited_date": "ra khoi:5 ngay:1 ly do:-5",
    "exit_reason": "ly do:5 ra khoi:1",
}


def _parse(table: Mapping[str, str]) -> dict[str, tuple[tuple[str, float], ...]]:
    parsed: dict[str, tuple[tuple[str, float], ...]] = {}
    for name, spec in table.items():
        # "ho va ten:5" splits on spaces: the words before each weight make its phrase.
        words: list[str] = []
        weights: list[tuple[str, float]] = []
        for item in spec.split():
            word, _, weight = item.partition(":")
            words.append(word)
            if weight:
                weights.append((f" {' '.join(words)} ", float(weight)))
                words = []
        parsed[name] = tuple(weights)
    return parsed


CANDIDATE_KEYWORDS = _parse(_KEYWORDS)


@dataclass(frozen=True)
class Guess:
    field: str
    score: int  # 1–99: how clear the lead over the next field is


def words_of(text: str) -> str:
    """The folded words of a header, padded with spaces for phrase look-ups."""
    return f" {' '.join(_WORD.findall(fold(text)))} "


def _weights(text: str, keywords: Mapping[str, tuple[tuple[str, float], ...]]) -> dict[str, float]:
    padded = words_of(text)
    found: dict[str, float] = {}
    for name, pairs in keywords.items():
        total = sum(weight for phrase, weight in pairs if phrase in padded)
        if total:
            found[name] = total
    return found


def guess(
    parts: Sequence[str],
    keywords: Mapping[str, tuple[tuple[str, float], ...]],
    exclude: frozenset[str] = frozenset(),
) -> Guess | None:
    """The field a header reading `parts` (top to bottom) most likely holds, or None.

    The column's own label counts fully, its parents' words at PARENT_WEIGHT.
    """
    if not parts or not keywords:
        return None
    totals = _weights(parts[-1], keywords)
    if len(parts) > 1:
        for name, weight in _weights(" ".join(parts[:-1]), keywords).items():
            if weight > 0:
                totals[name] = totals.get(name, 0.0) + PARENT_WEIGHT * weight
    ranked = sorted(((w, n) for n, w in totals.items() if w > 0 and n not in exclude), reverse=True)
    if not ranked or ranked[0][0] < _MIN_WEIGHT:
        return None
    best, name = ranked[0]
    second = ranked[1][0] if len(ranked) > 1 else 0.0
    clarity = min(best, _FULL_WEIGHT) / _FULL_WEIGHT * (best - second) / best
    score = min(EXACT - 1, round(100 * clarity))
    if score < _MIN_SCORE:
        return None
    return Guess(name, score)
