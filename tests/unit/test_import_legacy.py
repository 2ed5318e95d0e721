"""TCVN3 (ABC) and VNI text read through Windows-1252, and the per-column decision."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from registry.domain.textutil import fold
from registry.spreadsheet.legacy import (
    VIETNAMESE_LETTERS,
    LegacyFixer,
    Reading,
    classify,
    decode_tcvn3,
    decode_vni,
    to_tcvn3,
    to_vni,
)
from registry.spreadsheet.normalise import person_name_key


def test_tcvn3_and_vni_decode_the_same_name():
    assert decode_tcvn3("NguyÔn V¨n §øc") == "Nguyễn Văn Đức"
    assert decode_vni("Nguyeãn Vaên Ñöùc") == "Nguyễn Văn Đức"
    assert decode_tcvn3("Tr\xadêng THPT Lª Lîi") == "Trường THPT Lê Lợi"
    assert decode_vni("Tröôøng THPT Leâ Lôïi") == "Trường THPT Lê Lợi"


def test_encoders_give_the_cp1252_look():
    assert to_tcvn3("Hoàng Thị Thuý") == "Hoµng ThÞ Thuý"
    assert to_vni("Hoàng Thị Thuý") == "Hoaøng Thò Thuyù"


def test_upper_case_vntimeh_cells_are_upper_cased():
    # ".VnTimeH" draws the lower-case codes as capitals.
    assert decode_tcvn3("NGUYÔN V¡N §øC") == "NGUYỄN VĂN ĐỨC"
    assert decode_tcvn3("Hå CHÝ MINH") == "HỒ CHÍ MINH"
    # A title-case word after an upper-case one is not a sign of it.
    assert decode_tcvn3("THPT Lª") == "THPT Lê"


def test_dash_and_quotes_stay_unless_inside_a_word():
    assert decode_tcvn3("1990 – 1995") == "1990 – 1995"
    assert decode_tcvn3("“Tèt”") == "“Tốt”"
    assert decode_tcvn3("“THPT”") == "“THPT”"
    assert decode_tcvn3("NG—C") == "NGỘC"


def test_a_short_cell_reads_both_ways_but_a_unicode_letter_is_proof():
    chi_bo = classify("Chi bé")
    assert chi_bo.unicode and chi_bo.tcvn3 and not chi_bo.proof
    assert classify("Nguyễn Văn An").proof
    tcvn3 = classify(to_tcvn3("Lê Thị Hà"))
    assert (tcvn3.unicode, tcvn3.tcvn3, tcvn3.vni) == (False, True, False)
    vni = classify(to_vni("Lê Thị Hà"))
    assert (vni.unicode, vni.tcvn3, vni.vni) == (False, False, True)


def test_column_decides_and_sheet_decides_for_ambiguous_columns():
    names = [to_tcvn3(n) for n in ("Nguyễn Văn Đức", "Lê Thị Hà", "Phạm Minh Tuấn")]
    fixer = LegacyFixer({"name": names, "cell": ["Chi bé", "Chi bé 12A"]})
    assert fixer.column_readings == {"name": Reading.TCVN3, "cell": None}
    assert fixer.sheet_reading is Reading.TCVN3
    assert fixer.convert("cell", "Chi bé") == "Chi bộ"
    assert fixer.convert("name", names[0]) == "Nguyễn Văn Đức"
    # Pasted Unicode cells in a TCVN3 column stay as they are.
    assert fixer.convert("name", "Trần Tô") == "Trần Tô"
    assert fixer.convert("name", "Tô Hoài") == "Tô Hoài"


def test_unicode_sheet_keeps_ambiguous_cells_and_fixes_clear_ones():
    fixer = LegacyFixer({"name": ["Nguyễn Văn An", "Trần Thị Bình"], "cell": ["Chi bé"]})
    assert fixer.column_readings["name"] is Reading.UNICODE
    assert fixer.convert("cell", "Chi bé") == "Chi bé"
    assert fixer.convert("name", "NguyÔn V¨n §øc") == "Nguyễn Văn Đức"
    assert fixer.convert("name", "Nguyeãn Vaên Ñöùc") == "Nguyễn Văn Đức"


def test_vni_column():
    names = [to_vni(n) for n in ("Nguyễn Văn Đức", "Hồ Chí Minh", "Lê Thị Hà")]
    fixer = LegacyFixer({0: names})
    assert fixer.column_readings[0] is Reading.VNI
    assert [fixer.convert(0, n) for n in names] == ["Nguyễn Văn Đức", "Hồ Chí Minh", "Lê Thị Hà"]


@pytest.mark.parametrize("text", ["Khuya", "Quyết", "Nguyễn", "Đắk Lắk", "Người lập biểu"])
def test_round_trip_examples(text):
    assert decode_tcvn3(to_tcvn3(text)) == text
    assert decode_vni(to_vni(text)) == text


# --- properties -------------------------------------------------------------------------

_LOWER = sorted(c for c in VIETNAMESE_LETTERS if c.islower())
# Capitals that TCVN3 puts on Windows-1252 punctuation, read as letters only inside a word.
_GUARDED = set("–—…“”‘’•‚„‹›")
_SEPARATORS = set(" ,-.(0123456789")


@st.composite
def words(draw):
    letters = draw(st.lists(st.sampled_from(_LOWER), min_size=2, max_size=7))
    word = "".join(letters)
    shape = draw(st.sampled_from(["lower", "title", "upper"]))
    return {"lower": word, "title": word[:1].upper() + word[1:], "upper": word.upper()}[shape]


texts = st.lists(
    st.tuples(words(), st.sampled_from([" ", ", ", " - ", " 12 ", ". ", " ("])),
    min_size=1,
    max_size=6,
).map(lambda parts: "".join(w + sep for w, sep in parts).strip())


@given(texts)
def test_tcvn3_round_trip(text):
    encoded = to_tcvn3(text)
    padded = f" {encoded} "
    assume(
        not any(
            c in _GUARDED and (padded[i - 1] in _SEPARATORS or padded[i + 1] in _SEPARATORS)
            for i, c in enumerate(padded)
        )
    )
    assert decode_tcvn3(encoded) == text


@given(texts)
def test_vni_round_trip(text):
    assert decode_vni(to_vni(text)) == text


@given(texts)
def test_name_key_matches_fold(text):
    assert person_name_key(text) == fold(text)
