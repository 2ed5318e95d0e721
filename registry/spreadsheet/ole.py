"""A small reader for OLE2 compound files (the container of .xls and of encrypted .xlsx).

Only what the import needs before handing a file to calamine: the stream names (an
encrypted Office file is an OLE2 file with an "EncryptedPackage" stream) and the
bytes of the workbook stream, to read the date system, each sheet's declared size and
where its cells really are (every cell record, whatever DIMENSIONS says).
Every chain is bounded by the file size, so a crafted file can't loop.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_SPECIAL = 0xFFFFFFFA  # ids at and above this are markers, not sectors


class OleError(Exception):
    """The container is damaged or truncated."""


@dataclass(frozen=True)
class Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    start: int
    size: int


class OleFile:
    def __init__(self, data: bytes) -> None:
        if len(data) < 512 or not data.startswith(MAGIC):
            raise OleError("not an OLE2 file")
        self._data = data
        shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
        if shift not in (9, 12) or mini_shift != 6:
            raise OleError("bad sector size")
        self._size = 1 << shift
        self._max_sectors = len(data) // self._size + 1
        (n_fat, first_dir, _, cutoff, first_mini, n_mini, first_difat, n_difat) = (
            struct.unpack_from("<8I", data, 0x2C)
        )
        self._cutoff = cutoff
        self._fat = self._read_fat(n_fat, first_difat, n_difat)
        self.entries = self._read_directory(first_dir)
        root = next((e for e in self.entries if e.kind == 5), None)
        self._mini_fat: list[int] = []
        self._mini = b""
        if root is not None and first_mini < _SPECIAL and n_mini:
            self._mini_fat = _ints(self._read_chain(first_mini))
            self._mini = self._read_chain(root.start)[: root.size]

    def _sector(self, sid: int) -> bytes:
        offset = (sid + 1) * self._size
        if sid >= _SPECIAL or offset + self._size > len(self._data):
            raise OleError("sector out of range")
        return self._data[offset : offset + self._size]

    def _read_fat(self, n_fat: int, first_difat: int, n_difat: int) -> list[int]:
        if n_fat > self._max_sectors:
            raise OleError("FAT too large")
        ids = list(struct.unpack_from("<109I", self._data, 0x4C))
        sid, seen = first_difat, 0
        while sid < _SPECIAL and seen <= n_difat:
            block = _ints(self._sector(sid))
            ids.extend(block[:-1])
            sid, seen = block[-1], seen + 1
        fat: list[int] = []
        for fat_sid in ids[:n_fat]:
            fat.extend(_ints(self._sector(fat_sid)))
        return fat

    def _chain(self, start: int, table: list[int]) -> list[int]:
        chain: list[int] = []
        sid = start
        while sid < _SPECIAL:
            if sid >= len(table) or len(chain) > self._max_sectors * 64:
                raise OleError("broken sector chain")
            chain.append(sid)
            sid = table[sid]
        return chain

    def _read_chain(self, start: int) -> bytes:
        return b"".join(self._sector(s) for s in self._chain(start, self._fat))

    def _read_directory(self, first_dir: int) -> list[Entry]:
        raw = self._read_chain(first_dir)
        entries: list[Entry] = []
        for offset in range(0, len(raw) - 127, 128):
            name_len, kind = struct.unpack_from("<HB", raw, offset + 64)
            start, size = struct.unpack_from("<IQ", raw, offset + 116)
            if kind == 0:
                continue
            name = raw[offset : offset + max(0, min(name_len, 64) - 2)].decode(
                "utf-16-le", "replace"
            )
            entries.append(Entry(name, kind, start, size & 0xFFFFFFFF))
        return entries

    def names(self) -> set[str]:
        return {e.name for e in self.entries if e.kind == 2}

    def read(self, name: str) -> bytes:
        """A stream's bytes; KeyError when there is no such stream."""
        entry = next((e for e in self.entries if e.kind == 2 and e.name == name), None)
        if entry is None:
            raise KeyError(name)
        if entry.size < self._cutoff:
            chain = self._chain(entry.start, self._mini_fat)
            data = b"".join(self._mini[s * 64 : s * 64 + 64] for s in chain)
        else:
            data = self._read_chain(entry.start)
        if len(data) < entry.size:
            raise OleError("truncated stream")
        return data[: entry.size]


def _ints(block: bytes) -> list[int]:
    return list(struct.unpack(f"<{len(block) // 4}I", block))


# --- BIFF (.xls) ---------------------------------------------------------------------------

_BOF, _EOF, _FILEPASS, _DATEMODE, _BOUNDSHEET, _DIMENSIONS = (
    0x0809, 0x000A, 0x002F, 0x0022, 0x0085, 0x0200,
)  # fmt: skip


# Records holding one cell's value, row and column first (BIFF2–8); MULRK holds a run.
_CELLS = frozenset((0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x00D6, 0x00FD,
                    0x0203, 0x0204, 0x0205, 0x0206, 0x027E, 0x0406))  # fmt: skip
_MULRK = 0x00BD


@dataclass
class SheetCells:
    """Where a sheet's cells really are: rows and columns from A1 to the last cell with a
    value, and how many cells hold one (BLANK/MULBLANK records hold none)."""

    rows: int = 0
    cols: int = 0
    cells: int = 0


@dataclass
class BiffInfo:
    encrypted: bool = False
    date1904: bool = False
    # Sheet name → (rows, columns) as declared by its DIMENSIONS record.
    dimensions: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Sheet name → its cells as the records place them (every record read, so a
    # DIMENSIONS record that lies changes nothing).
    cells: dict[str, SheetCells] = field(default_factory=dict)


def _records(stream: bytes, pos: int):
    while pos + 4 <= len(stream):
        rtype, size = struct.unpack_from("<HH", stream, pos)
        yield rtype, stream[pos + 4 : pos + 4 + size]
        pos += 4 + size


def biff_info(stream: bytes) -> BiffInfo:
    """Read the workbook globals of a BIFF8 stream, each sheet's DIMENSIONS and where its
    cells really are."""
    info = BiffInfo()
    sheets: list[tuple[str, int]] = []
    for rtype, body in _records(stream, 0):
        if rtype == _FILEPASS:
            info.encrypted = True
            return info
        if rtype == _DATEMODE and len(body) >= 2:
            info.date1904 = struct.unpack_from("<H", body)[0] == 1
        elif rtype == _BOUNDSHEET and len(body) >= 8:
            sheets.append((_sheet_name(body), struct.unpack_from("<I", body)[0]))
        elif rtype == _EOF:
            break
    for name, pos in sheets:
        info.cells[name] = _sheet_cells(stream, pos, name, info)
    return info


def _sheet_cells(stream: bytes, pos: int, name: str, info: BiffInfo) -> SheetCells:
    """Walk a sheet's substream to its EOF (embedded chart substreams included)."""
    found = SheetCells()
    depth = 0
    unpack = struct.unpack_from
    for rtype, body in _records(stream, pos):
        if rtype in _CELLS:
            if len(body) >= 4:
                row, col = unpack("<HH", body)
                found.cells += 1
                if row >= found.rows:
                    found.rows = row + 1
                if col >= found.cols:
                    found.cols = col + 1
        elif rtype == _MULRK:
            if len(body) >= 6:
                row, first = unpack("<HH", body)
                (last,) = unpack("<H", body, len(body) - 2)
                if last >= first:
                    found.cells += last - first + 1
                    found.rows = max(found.rows, row + 1)
                    found.cols = max(found.cols, last + 1)
        elif rtype == _DIMENSIONS:
            if len(body) >= 12 and name not in info.dimensions:
                _, rows, _, cols = unpack("<IIHH", body)
                info.dimensions[name] = (rows, cols)
        elif rtype == _BOF:
            depth += 1
        elif rtype == _EOF:
            depth -= 1
            if depth <= 0:
                break
    return found


def _sheet_name(body: bytes) -> str:
    """BOUNDSHEET's ShortXLUnicodeString: length, a flags byte (1 = UTF-16), chars."""
    length = body[6]
    flags = body[7] if len(body) > 7 else 0
    raw = body[8:]
    if flags & 1:
        return raw[: length * 2].decode("utf-16-le", "replace")
    return raw[:length].decode("latin-1")
