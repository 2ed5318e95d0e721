"""Names in Vietnamese alphabetical order: textutil.sort_key against the reference list
(62 names ordered with ICU's Vietnamese collation) and the rules it states."""

import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.domain.textutil import SORT_KEY_WIDTH, sort_key

REFERENCE = Path(__file__).parent.parent / "fixtures" / "vietnamese_name_order.txt"
ORDERED = [
    line.strip()
    for line in REFERENCE.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


def in_order(names):
    return sorted(names, key=sort_key)


@pytest.mark.parametrize("seed", range(5))
def test_the_reference_list_comes_back_in_its_order_from_any_shuffle(seed):
    assert len(ORDERED) == 62
    shuffled = ORDERED[:]
    random.Random(seed).shuffle(shuffled)
    assert in_order(shuffled) == ORDERED


def test_the_issues_example_follows_the_vietnamese_letters():
    given_names = ["Ân", "Ánh", "Anh", "Đức", "Dung", "Duy", "Ơn", "On"]
    assert in_order(given_names) == ["Anh", "Ánh", "Ân", "Dung", "Duy", "Đức", "On", "Ơn"]


def test_letters_with_marks_are_letters_of_their_own_after_the_plain_one():
    # a < ă < â, d < đ, e < ê, o < ô < ơ, u < ư: every word of the plain letter first.
    assert in_order(["Âu", "Ăn", "Azy", "An"]) == ["An", "Azy", "Ăn", "Âu"]
    assert in_order(["Đa", "Dzu"]) == ["Dzu", "Đa"]
    assert in_order(["Ơi", "Ôi", "Oz"]) == ["Oz", "Ôi", "Ơi"]
    assert in_order(["Ưng", "Uz"]) == ["Uz", "Ưng"]


def test_tones_are_a_secondary_difference_in_their_order():
    tones = ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]  # ngang, huyền, hỏi, ngã, sắc, nặng
    assert in_order(list(reversed(tones))) == tones
    # A tone only decides between the same letters: Mạ before Man.
    assert in_order(["Man", "Mạ"]) == ["Mạ", "Man"]


def test_given_name_then_middle_then_family_name():
    assert in_order(["Trần Văn Bình", "Lê Văn An", "Nguyễn Thị An"]) == [
        "Nguyễn Thị An",
        "Lê Văn An",
        "Trần Văn Bình",
    ]
    # The given name is compared fully, tones included, before the middle name.
    assert in_order(["Ma Thị Hạ", "Lục Thu Hà"]) == ["Lục Thu Hà", "Ma Thị Hạ"]
    # A name without a middle name comes first among equal given names.
    assert in_order(["Lê Văn An", "Lê An"]) == ["Lê An", "Lê Văn An"]


def test_case_apostrophes_hyphens_and_tone_placement_do_not_matter():
    assert sort_key("NGUYỄN VĂN AN") == sort_key("Nguyễn Văn An")
    assert sort_key("Y-Moan Ê-đê") == sort_key("Ymoan Êđê")
    assert sort_key("H'Hen Niê") == sort_key("HHen Niê")
    assert sort_key("Lê Thị Hoà") == sort_key("Lê Thị Hòa")
    assert sort_key("Nguyễn  Văn   An ") == sort_key("Nguyễn Văn An")


def test_the_key_is_documented_by_its_example_and_fits_its_column():
    assert sort_key("Nguyễn Thị Thùy Linh") == "linh 0 thi-thuy 51 nguye{n 3"
    assert sort_key("") == "" and sort_key(None) == ""
    assert len(sort_key("Nguyễn " * 40 + "An")) <= SORT_KEY_WIDTH


letters = st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậ"))
words = st.text(letters, min_size=1, max_size=6)


@given(st.lists(words, min_size=1, max_size=4), st.lists(words, min_size=1, max_size=4))
def test_comparing_keys_is_comparing_given_name_first(a, b):
    key_a, key_b = sort_key(" ".join(a)), sort_key(" ".join(b))
    if sort_key(a[-1]).split(" ")[0] < sort_key(b[-1]).split(" ")[0]:
        assert key_a < key_b
