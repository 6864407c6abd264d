"""Reading questionnaire files into tables of raw cells: CSV (any of the encodings and
separators Russian spreadsheets produce) and XLSX. No meaning is given to any cell here.

A problem with a file (not found, empty, binary, garbled) becomes a Problem in the
report; nothing is raised for bad input.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..i18n import register
from ..problems import ProblemReport
from ..text import norm

register({
    "io.file_not_found": ("файл не найден", "file not found"),
    "io.unreadable": ("не удалось прочитать файл: {error}", "cannot read the file: {error}"),
    "io.empty_file": ("файл пуст", "the file is empty"),
    "io.no_data_rows": ("в файле есть строка заголовков, но нет ни одной строки с данными",
                        "the file has a header row but no data rows"),
    "io.binary_file": ("файл не похож на таблицу (ожидается CSV или XLSX){hint}",
                       "the file is not a table (CSV or XLSX expected){hint}"),
    "io.old_xls": ("формат XLS (Excel 97–2003) не поддерживается: сохраните файл как XLSX или CSV",
                   "the XLS format (Excel 97–2003) is not supported: save the file as XLSX or CSV"),
    "io.bad_xlsx": ("файл не удалось открыть как книгу Excel (XLSX): {error}",
                    "cannot open the file as an Excel workbook (XLSX): {error}"),
    "io.no_usable_sheet": ("в книге нет листа с таблицей: все листы пусты",
                           "the workbook has no sheet with a table: every sheet is empty"),
    "io.bad_csv": ("ошибка разбора CSV: {error}", "cannot parse the CSV: {error}"),
})

# Sheet names that say which role a sheet holds (compared after text.norm).
MENTOR_SHEETS = frozenset(norm(s) for s in ("mentors", "mentor", "наставники", "наставник"))
MENTEE_SHEETS = frozenset(norm(s) for s in ("mentees", "mentee", "наставляемые", "наставляемый"))

DELIMITERS = (",", ";", "\t")
_PUNCTUATION = frozenset(",;.:!?\"'()[]{}-–—«»/\\+=*%№#@&_<>|~`$^\ufeff")
_SNIFF_CHARS = 65536

# Magic numbers of files that are certainly not tables.
_NOT_TABLES = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG",
    b"GIF8": "GIF",
    b"\xff\xd8\xff": "JPEG",
    b"\x1f\x8b": "gzip",
    b"Rar!": "RAR",
    b"7z\xbc\xaf": "7z",
    b"\x7fELF": "ELF",
    b"MZ": "exe",
}


@dataclass
class Table:
    """One sheet of raw cells, with the rows a spreadsheet shows (header is `header_row`)."""

    label: str  # how messages name it: the path, plus [sheet] for workbooks
    path: str
    sheet: str | None
    role: str | None  # role implied by the file or sheet ("mentor" / "mentee"), None = from a column
    headers: list[str]
    header_row: int
    # (row number as a spreadsheet shows it, cells); empty rows are already dropped
    rows: list[tuple[int, list]] = field(default_factory=list)
    # the table had rows longer than the header: (row number, cells, header width) is checked later
    kind: str = "csv"


def read_tables(path: str | Path, role: str | None, report: ProblemReport,
                looks_like_table: Callable[[list[str]], bool] | None = None) -> list[Table]:
    """The tables of one input file. `role` is implied by how the file was given
    (--mentors / --mentees), None for --participants. In a workbook without role-named
    sheets, the first sheet whose headers `looks_like_table` accepts is read (else the
    first non-empty sheet). Problems go to `report`."""
    label = str(path)
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        report.add("io.file_not_found", file=label)
        return []
    except IsADirectoryError:
        report.add("io.unreadable", file=label, params={"error": "is a directory"})
        return []
    except OSError as exc:
        report.add("io.unreadable", file=label, params={"error": exc.strerror or str(exc)})
        return []
    if not data.strip(b" \t\r\n,;"):  # nothing but blanks and separators
        report.add("io.empty_file", file=label)
        return []
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, label, role, report, looks_like_table)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        report.add("io.old_xls", file=label)
        return []
    for magic, kind in _NOT_TABLES.items():
        if data.startswith(magic):
            report.add("io.binary_file", file=label, params={"hint": f" ({kind})"})
            return []
    text = decode(data)
    if text is None or _looks_binary(text):
        report.add("io.binary_file", file=label, params={"hint": ""})
        return []
    table = _read_csv(text, label, role, report)
    return [table] if table is not None else []


# --- CSV ---------------------------------------------------------------------------------

def decode(data: bytes) -> str | None:
    """Text of a CSV file: UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text"),
    else the Russian single-byte encoding that fits (cp1251 from Excel, or KOI8-R).
    None when the bytes are not text at all."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    head = data[:4096]
    if b"\x00" in head:
        # UTF-16 without a BOM (the zero bytes are the high halves of Latin characters):
        # accept the byte order that reads as letters, digits, spaces and punctuation.
        head = head[:len(head) // 2 * 2]
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                sample = head.decode(encoding)
            except UnicodeDecodeError:
                continue
            plausible = sum(1 for ch in sample if ch.isalnum() or ch.isspace() or ch in _PUNCTUATION)
            if "\x00" not in sample and plausible >= 0.95 * len(sample):
                return data.decode(encoding, errors="replace")
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Single-byte Cyrillic: cp1251 (Russian Excel) unless the header row reads as known
    # headers only in KOI8-R, or the text clearly looks like KOI8-R: letters inside words are
    # lower case, which is 0xE0-0xFF in cp1251 but 0xC0-0xDF in KOI8-R.
    first_line = data[:data.find(b"\n")] if b"\n" in data[:_SNIFF_CHARS] else data[:_SNIFF_CHARS]
    known = {enc: _known_headers(first_line.decode(enc, errors="replace")) for enc in ("cp1251", "koi8_r")}
    if known["cp1251"] != known["koi8_r"]:
        encoding = max(known, key=known.get)
    else:
        sample = data[:_SNIFF_CHARS]
        inner_cp1251 = len(_INNER_CP1251.findall(sample))
        inner_koi8 = len(_INNER_KOI8.findall(sample))
        encoding = "koi8_r" if inner_koi8 >= 8 and inner_koi8 > 2 * inner_cp1251 else "cp1251"
    return data.decode(encoding, errors="replace")


_INNER_CP1251 = re.compile(rb"[\xc0-\xff][\xe0-\xff]")
_INNER_KOI8 = re.compile(rb"[\xc0-\xff][\xc0-\xdf]")


def _known_headers(line: str) -> int:
    from .aliases import HEADER_INDEX

    return sum(1 for cell in re.split(r"[,;\t]", line) if norm(cell.strip().strip('"')) in HEADER_INDEX)


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if "\x00" in sample:
        return True
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n")
    return controls > max(2, len(sample) // 100)


def sniff_delimiter(text: str) -> str:
    """The separator among , ; tab that gives the most consistent table (quoted fields with
    embedded separators and newlines are parsed as csv does, not counted by hand)."""
    sample = text[:_SNIFF_CHARS]
    cut = sample.rfind("\n")
    if len(text) > len(sample) and cut > 0:
        sample = sample[:cut]
    best, best_score = ",", None
    for delim in DELIMITERS:
        rows = []
        try:
            for row in csv.reader(io.StringIO(sample), delimiter=delim):
                if row and any(c.strip() for c in row):
                    rows.append(len(row))
                if len(rows) >= 200:
                    break
        except csv.Error:
            pass
        if not rows:
            continue
        width = rows[0]
        body = rows[1:] or rows
        consistent = sum(1 for n in body if n == width) / len(body)
        score = (width > 1, round(consistent, 2), width)
        if best_score is None or score > best_score:
            best, best_score = delim, score
    return best


def _read_csv(text: str, label: str, role: str | None, report: ProblemReport) -> Table | None:
    delim = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    headers: list[str] | None = None
    header_row = 0
    rows: list[tuple[int, list]] = []
    append = rows.append
    rownum = 0
    try:
        for cells in reader:
            rownum += 1
            if not cells or not "".join(cells).strip():
                continue  # empty rows are skipped silently
            if headers is None:
                headers = [c.strip() for c in cells]
                header_row = rownum
                continue
            append((rownum, cells))
    except csv.Error as exc:
        report.add("io.bad_csv", file=label, row=rownum + 1, params={"error": str(exc)})
        return None
    if headers is None:
        report.add("io.empty_file", file=label)
        return None
    table = Table(label=label, path=label, sheet=None, role=role, headers=headers, header_row=header_row,
                  rows=rows, kind="csv")
    if not rows:
        report.add("io.no_data_rows", file=label)
    return table


# --- XLSX --------------------------------------------------------------------------------

def sheet_role(name: str) -> str | None:
    key = norm(name)
    if key in MENTOR_SHEETS:
        return "mentor"
    if key in MENTEE_SHEETS:
        return "mentee"
    return None


def _read_xlsx(data: bytes, label: str, role: str | None, report: ProblemReport,
               looks_like_table) -> list[Table]:
    try:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except zipfile.BadZipFile as exc:
        report.add("io.bad_xlsx", file=label, params={"error": str(exc)})
        return []
    except Exception as exc:  # any malformed workbook is bad input, never a traceback
        report.add("io.bad_xlsx", file=label, params={"error": f"{type(exc).__name__}: {exc}"})
        return []
    try:
        return _workbook_tables(wb, label, role, report, looks_like_table)
    except Exception as exc:  # a sheet that cannot be parsed
        report.add("io.bad_xlsx", file=label, params={"error": f"{type(exc).__name__}: {exc}"})
        return []
    finally:
        wb.close()


def _workbook_tables(wb, label: str, role: str | None, report: ProblemReport, looks_like_table) -> list[Table]:
    sheets = [ws for ws in wb.worksheets if hasattr(ws, "iter_rows")]  # chartsheets have no cells
    roles = {ws.title: sheet_role(ws.title) for ws in sheets}
    if role is None:
        # --participants: a workbook with a mentors sheet and/or a mentees sheet; the
        # other sheets (instructions) are skipped. Otherwise the first sheet with a table.
        chosen = [(ws, roles[ws.title]) for ws in sheets if roles[ws.title]]
    else:
        chosen = [(ws, role) for ws in sheets if roles[ws.title] == role]
    tables: list[Table] = []
    if chosen:
        for ws, sheet_role_ in chosen:
            table = _sheet_table(ws, label, sheet_role_)
            if table is None:
                report.add("io.empty_file", file=f"{label}[{ws.title}]")
            else:
                tables.append(table)
    else:
        first = None
        for ws in sheets:
            if role is not None and roles[ws.title] not in (None, role):
                continue  # the other role's sheet in a workbook given for one role
            table = _sheet_table(ws, label, role)
            if table is None:
                continue
            if looks_like_table is None or looks_like_table(table.headers):
                first = table
                break
            first = first or table  # e.g. an instructions sheet before the questionnaire
        if first is None:
            report.add("io.no_usable_sheet", file=label)
        else:
            tables.append(first)
    for table in tables:
        if not table.rows:
            report.add("io.no_data_rows", file=table.label)
    return tables


def _blank(v) -> bool:
    return v is None or (v.__class__ is str and not v.strip())


def _sheet_table(ws, label: str, role: str | None) -> Table | None:
    try:
        ws.reset_dimensions()  # some writers store wrong dimensions; read every row
    except AttributeError:
        pass
    headers: list[str] | None = None
    header_row = 0
    rows: list[tuple[int, list]] = []
    append = rows.append
    for rownum, values in enumerate(ws.iter_rows(min_row=1, min_col=1, values_only=True), start=1):
        if not values or all(_blank(v) for v in values):
            continue
        if headers is None:
            headers = ["" if v is None else str(v).strip() for v in values]
            header_row = rownum
            continue
        append((rownum, list(values)))
    if headers is None:
        return None
    while headers and not headers[-1]:
        headers.pop()
    return Table(label=f"{label}[{ws.title}]", path=label, sheet=ws.title, role=role, headers=headers,
                 header_row=header_row, rows=rows, kind="xlsx")
