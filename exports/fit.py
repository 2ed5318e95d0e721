"""How much room text takes in a cell: lines of wrapped text and the row height holding them.

Neither Excel nor LibreOffice grows a row for wrapped text in a file written by a program:
a row keeps the height the file gives it, and a long unit name spills over the next row
when printed. So every row holding wrapped text is given its height here, from the text's
length, the width of its (merged) cells and its font.

Widths are Excel column widths (about one digit of the 12 pt body font each); a text's
width is the sum of its characters' (capitals a third wider than a digit, brackets and
spaces narrower), checked against LibreOffice's print of Times New Roman 12.
"""

from __future__ import annotations

BODY_SIZE = 12
LINE_HEIGHT = 15.75  # points per line of 12 pt text (Excel's own row height for it)
PADDING = 2.0  # points above and below the lines of a row


# Widths of Times New Roman characters, in digits (a column's width unit is about one
# digit of the body font); letters with diacritics are as wide as their base letter.
_NARROW = dict.fromkeys(" .,;:'!|", 0.5) | dict.fromkeys("()[]/-ijlrtfI", 0.67)
_WIDE = dict.fromkeys("%=+<>mwMW", 1.6)


def _char_width(char: str) -> float:
    if char in _NARROW:
        return _NARROW[char]
    if char in _WIDE:
        return _WIDE[char]
    if char.isupper():
        return 1.35
    return 0.9 if char.isalpha() else 1.0


def text_width(text: str, *, size: float = BODY_SIZE, bold: bool = False) -> float:
    """The width of `text` on one line, in column-width units."""
    scale = size / BODY_SIZE * (1.07 if bold else 1.0)
    return sum(_char_width(char) for char in text) * scale


def text_lines(
    text: str,
    width: float,
    *,
    size: float = BODY_SIZE,
    bold: bool = False,
    indent: int = 0,
) -> int:
    """Lines that `text` wraps into in a cell `width` wide (each "\n" starts a line)."""
    # The cell's inner margins take about one unit; an indent level about two.
    room = max(1.0, width - 1 - 2 * indent)
    space = text_width(" ", size=size, bold=bold)
    total = 0
    for part in text.split("\n"):
        words = [text_width(word, size=size, bold=bold) for word in part.split()]
        total += _wrapped(words, space, room)
    return total


def _wrapped(words: list[float], space: float, room: float) -> int:
    """Lines of words (their widths) broken at spaces, as a spreadsheet wraps them."""
    lines, used = 1, 0.0
    for word in words:
        if used and used + space + word > room:
            lines, used = lines + 1, 0.0
        if used:
            used += space
        # A word longer than a line is broken inside it.
        while word > room:
            lines, word = lines + 1, word - room
        used += word
    return lines


def line_height(size: float = BODY_SIZE) -> float:
    return LINE_HEIGHT * size / BODY_SIZE


def row_height(lines: int, size: float = BODY_SIZE) -> float:
    """The height in points of a row showing `lines` lines of text of this size."""
    return round(lines * line_height(size) + PADDING, 1)
