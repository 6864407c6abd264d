"""Reading questionnaire files into tables of raw cells: CSV (any of the encodings and
separators Russian spreadsheets produce) and workbooks (XLSX, XLSM, XLS, ODS). No meaning is
given to any cell here.

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
from typing import Callable, Iterable, Iterator, Sequence

from ..i18n import register
from ..problems import ProblemReport
from ..text import norm

register({
    "io.file_not_found": ("файл не найден", "file not found"),
    "io.unreadable": ("не удалось прочитать файл: {error}", "cannot read the file: {error}"),
    "io.empty_file": ("файл пуст", "the file is empty"),
    "io.no_data_rows": ("в файле есть строка заголовков, но нет ни одной строки с данными",
                        "the file has a header row but no data rows"),
    "io.binary_file": ("файл не похож на таблицу (ожидается CSV, XLSX, XLS или ODS){hint}",
                       "the file is not a table (CSV, XLSX, XLS or ODS expected){hint}"),
    "io.bad_xls": ("файл не удалось открыть как книгу Excel 97–2003 (XLS); если книга защищена паролем, "
                   "сохраните её без пароля: {error}",
                   "cannot open the file as an Excel 97–2003 workbook (XLS); if the workbook has a password, "
                   "save it without one: {error}"),
    "io.bad_ods": ("файл не удалось открыть как книгу OpenDocument (ODS): {error}",
                   "cannot open the file as an OpenDocument workbook (ODS): {error}"),
    "io.bad_xlsx": ("файл не удалось открыть как книгу Excel (XLSX): {error}",
                    "cannot open the file as an Excel workbook (XLSX): {error}"),
    "io.no_usable_sheet": ("в книге нет листа с таблицей: все листы пусты",
                           "the workbook has no sheet with a table: every sheet is empty"),
    "io.bad_csv": ("ошибка разбора CSV: {error}", "cannot parse the CSV: {error}"),
    "io.nul_byte": ("в ячейке нулевой байт (NUL): файл повреждён или сохранён не как текст; "
                    "символ удалён, проверьте значение",
                    "the cell holds a NUL byte: the file is damaged or not saved as text; "
                    "the character is dropped, check the value"),
    "io.cell_too_long": ("ячейка длиннее {limit} {limit:plural:символа|символов|символов}: это не похоже на ответ анкеты (возможно, не закрыта кавычка)",
                         "a cell longer than {limit} characters is not a questionnaire answer (an unclosed quote?)"),
})

# Sheet names that say which role a sheet holds (compared after text.norm).
MENTOR_SHEETS = frozenset(norm(s) for s in ("mentors", "mentor", "наставники", "наставник"))
MENTEE_SHEETS = frozenset(norm(s) for s in ("mentees", "mentee", "наставляемые", "наставляемый"))

DELIMITERS = (",", ";", "\t")
_PUNCTUATION = frozenset(",;.:!?\"'()[]{}-–—«»/\\+=*%№#@&_<>|~`$^\ufeff")
_SNIFF_CHARS = 65536
_SEP_HINT = re.compile(r"sep=([,;\t|])[ \t]*(?:\r\n?|\n)", re.IGNORECASE)
_LINE_END = re.compile(rb"\r\n?|\n")  # old Excel for Mac ends lines with CR alone

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
}


@dataclass
class Table:
    """One sheet: its headers and a stream of its rows as a spreadsheet numbers them
    (header = `header_row`). Rows are read lazily, once; empty rows are already dropped.
    Problems met while reading rows (no data rows, a broken file) go to the report."""

    label: str  # how messages name it: the path, plus [sheet] for workbooks
    path: str
    sheet: str | None
    role: str | None  # role implied by the file or sheet ("mentor" / "mentee"), None = from a column
    headers: list[str]
    header_row: int
    rows: Iterable[tuple[int, Sequence]] = ()  # (row number, cells)
    kind: str = "csv"
    # Workbook cells holding a formula without a computed value: (row, column index, formula).
    uncached_formulas: list[tuple[int, int, str]] = field(default_factory=list)


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
        # an ODS zip starts with its mimetype entry
        fmt = "ods" if b"opendocument.spreadsheet" in data[:200] else "xlsx"
        return _read_workbook(data, label, fmt, role, report, looks_like_table)
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: Excel 97–2003, or a password-protected XLSX
        return _read_workbook(data, label, "xls", role, report, looks_like_table)
    for magic, kind in _NOT_TABLES.items():
        if data.startswith(magic):
            report.add("io.binary_file", file=label, params={"hint": f" ({kind})"})
            return []
    encoding = detect_encoding(data)
    if encoding is None or _looks_binary(data[:16384].decode(encoding, errors="replace")):
        report.add("io.binary_file", file=label, params={"hint": ""})
        return []
    table = _read_csv(data, encoding, label, role, report)
    return [table] if table is not None else []


# --- CSV ---------------------------------------------------------------------------------

def decode(data: bytes) -> str | None:
    """Text of a CSV file (see `detect_encoding`); None when the bytes are not text."""
    encoding = detect_encoding(data)
    return None if encoding is None else data.decode(encoding, errors="replace")


def detect_encoding(data: bytes) -> str | None:
    """The codec of a CSV file: UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode
    text"), else the Russian single-byte encoding that fits (cp1251 from Excel, KOI8-R, or
    MacCyrillic from old Excel for Mac).
    None when the bytes are not text at all."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:4096]
    # A few stray NUL bytes are damage in a text file (read it, and say where they are);
    # UTF-16 has one in every other byte of Latin text, digits and separators.
    if head.count(b"\x00") > max(1, len(head) // 100):
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
                return encoding
        return None
    if _is_utf8(data):
        return "utf-8"
    # Single-byte Cyrillic: cp1251 (Russian Excel) unless the header row reads as known
    # headers only in KOI8-R, or the text clearly looks like KOI8-R: letters inside words are
    # lower case, which is 0xE0-0xFF in cp1251 but 0xC0-0xDF in KOI8-R.
    first_line = _LINE_END.split(data[:_SNIFF_CHARS], 1)[0]
    # MacCyrillic: CSV from old Excel for Mac; upper-case letters tell it from cp1251.
    known = {enc: _known_headers(first_line.decode(enc, errors="replace"))
             for enc in ("cp1251", "koi8_r", "mac_cyrillic")}
    if len(set(known.values())) > 1:
        return max(known, key=known.get)  # a tie keeps the first: cp1251
    sample = data[:_SNIFF_CHARS]
    inner_cp1251 = len(_INNER_CP1251.findall(sample))
    inner_koi8 = len(_INNER_KOI8.findall(sample))
    if inner_koi8 >= 8 and inner_koi8 > 2 * inner_cp1251:
        return "koi8_r"
    # MacCyrillic (old Excel for Mac) shares most lower-case letters with cp1251 but keeps
    # capitals at 0x80-0x9F, where cp1251 has punctuation: count capitalised words in each.
    if len(_CAPITALISED_MAC.findall(sample)) > len(_CAPITALISED_CP1251.findall(sample)):
        return "mac_cyrillic"
    return "cp1251"


def _is_utf8(data: bytes, chunk: int = 1 << 20) -> bool:
    """Whether the bytes are valid UTF-8, decoded a chunk at a time (no full copy in memory)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), chunk):
            decoder.decode(data[start:start + chunk])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


_INNER_CP1251 = re.compile(rb"[\xc0-\xff][\xe0-\xff]")
_INNER_KOI8 = re.compile(rb"[\xc0-\xff][\xc0-\xdf]")
_CAPITALISED_MAC = re.compile(rb"[\x80-\x9f][\xe0-\xfe]")
_CAPITALISED_CP1251 = re.compile(rb"[\xc0-\xdc][\xe0-\xff]")  # 0xDD-0xDF are ё, Ё, я in MacCyrillic


def _known_headers(line: str) -> int:
    from .aliases import HEADER_INDEX

    return sum(1 for cell in re.split(r"[,;\t]", line) if norm(cell.strip().strip('"')) in HEADER_INDEX)


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n")
    return controls > max(2, len(sample) // 100)


def sniff_delimiter(text: str) -> str:
    """The separator among , ; tab that gives the most consistent table (quoted fields with
    embedded separators and newlines are parsed as csv does, not counted by hand)."""
    sample = text[:_SNIFF_CHARS]
    cut = max(sample.rfind("\n"), sample.rfind("\r"))
    if len(text) > len(sample) and cut > 0:
        sample = sample[:cut]
    best, best_score = ",", None
    for delim in DELIMITERS:
        rows = []
        try:
            # newline="": lines end at CR, LF or CRLF, as in the file itself
            for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delim):
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


def _read_csv(data: bytes, encoding: str, label: str, role: str | None, report: ProblemReport) -> Table | None:
    # The file is decoded as it is read (a stream), not held in memory a second time as text.
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors="replace", newline="")
    sample = data[:_SNIFF_CHARS * 2].decode(encoding, errors="ignore")
    hint = _SEP_HINT.match(sample)
    if hint:  # Excel's "sep=;" first line: it names the separator and Excel does not show it as a row
        delim = hint.group(1)
        stream.readline()
    else:
        delim = sniff_delimiter(sample)
    reader = csv.reader(stream, delimiter=delim)
    rownum = 0
    try:
        for cells in reader:
            rownum += 1
            if cells and "".join(cells).strip():
                break
        else:
            report.add("io.empty_file", file=label)
            return None
    except csv.Error as exc:
        _csv_problem(exc, label, rownum + 1, report)
        return None
    has_nul = b"\x00" in data
    if has_nul:
        cells = _drop_nul(cells, rownum, cells, label, report)
    headers = [c.strip() for c in cells]
    return Table(label=label, path=label, sheet=None, role=role, headers=headers, header_row=rownum,
                 rows=_csv_rows(reader, rownum, label, report, headers if has_nul else None), kind="csv")


def _csv_rows(reader, rownum: int, label: str, report: ProblemReport,
              nul_headers: list[str] | None = None) -> Iterator[tuple[int, list[str]]]:
    """Rows after the header; `nul_headers` is given when the file holds NUL bytes."""
    found = False
    try:
        for cells in reader:
            rownum += 1
            joined = "".join(cells)
            if cells and joined.strip():  # empty rows are skipped silently
                found = True
                if nul_headers is not None and "\x00" in joined:
                    cells = _drop_nul(cells, rownum, nul_headers, label, report)
                yield rownum, cells
    except csv.Error as exc:
        _csv_problem(exc, label, rownum + 1, report)
        return
    if not found:
        report.add("io.no_data_rows", file=label)


def _drop_nul(cells: list[str], rownum: int, headers: list[str], label: str,
              report: ProblemReport) -> list[str]:
    out = []
    for i, cell in enumerate(cells):
        if "\x00" in cell:
            header = headers[i].replace("\x00", "").strip() if i < len(headers) else ""
            report.add("io.nul_byte", file=label, row=rownum, column=header or column_letter(i))
            cell = cell.replace("\x00", "")
        out.append(cell)
    return out


def _csv_problem(exc: csv.Error, label: str, row: int, report: ProblemReport) -> None:
    if "field larger than field limit" in str(exc):
        report.add("io.cell_too_long", file=label, row=row, params={"limit": csv.field_size_limit()})
    else:
        report.add("io.bad_csv", file=label, row=row, params={"error": str(exc)})


# --- workbooks: XLSX / XLSM / XLS / ODS ---------------------------------------------------

def sheet_role(name: str) -> str | None:
    key = norm(name)
    if key in MENTOR_SHEETS:
        return "mentor"
    if key in MENTEE_SHEETS:
        return "mentee"
    return None


def _read_workbook(data: bytes, label: str, fmt: str, role: str | None, report: ProblemReport,
                   looks_like_table) -> list[Table]:
    """Every workbook format through calamine (Rust: cached formula values, dates as dates,
    far cheaper per cell than openpyxl). `fmt` is "xlsx", "xls" or "ods"."""
    try:
        from python_calamine import CalamineWorkbook, SheetTypeEnum

        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = [m.name for m in wb.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    except Exception as exc:  # any malformed or encrypted workbook is bad input, never a traceback
        report.add(f"io.bad_{fmt}", file=label, params={"error": _error_text(exc)})
        return []
    formulas = _UncachedFormulas(data, fmt)
    try:
        return _workbook_tables(wb, names, label, role, report, looks_like_table, formulas)
    except Exception as exc:  # a sheet that cannot be parsed
        report.add(f"io.bad_{fmt}", file=label, params={"error": _error_text(exc)})
        return []


def _error_text(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _workbook_tables(wb, names: list[str], label: str, role: str | None, report: ProblemReport,
                     looks_like_table, formulas: "_UncachedFormulas") -> list[Table]:
    roles = {name: sheet_role(name) for name in names}
    if role is None:
        # --participants: a workbook with a mentors sheet and/or a mentees sheet; the
        # other sheets (instructions) are skipped. Otherwise the first sheet with a table.
        chosen = [(name, roles[name]) for name in names if roles[name]]
    else:
        chosen = [(name, role) for name in names if roles[name] == role]
    tables: list[Table] = []
    if chosen:
        for name, sheet_role_ in chosen:
            table = _sheet_table(wb, name, label, sheet_role_, report, formulas)
            if table is None:
                report.add("io.empty_file", file=f"{label}[{name}]")
            else:
                tables.append(table)
    else:
        first = None
        for name in names:
            if role is not None and roles[name] not in (None, role):
                continue  # the other role's sheet in a workbook given for one role
            table = _sheet_table(wb, name, label, role, report, formulas)
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
    return tables


def _blank(v) -> bool:
    return v is None or (v.__class__ is str and not v.strip())


def _sheet_table(wb, name: str, label: str, role: str | None, report: ProblemReport,
                 formulas: "_UncachedFormulas") -> Table | None:
    from .coerce import cell_text

    ws = wb.get_sheet_by_name(name)
    start = ws.start
    if start is None:  # no cell holds a value
        return None
    top, left = start  # 0-based first used row and column; rows are cut to begin at `left`
    indexed = enumerate(ws.iter_rows())
    for k, values in indexed:
        if values and not all(_blank(v) for v in values):
            break
    else:
        return None
    # The first row with a value is row `top`, whether calamine yields the rows above it or not.
    base = top - k + 1
    rownum = top + 1
    numbered = ((base + i, v) for i, v in indexed)
    headers = ["" if v is None or v == "" else cell_text(v).strip() for v in values]
    while headers and not headers[-1]:
        headers.pop()
    sheet_label = f"{label}[{name}]"
    # Uncached formulas are found on the sheet's own grid; the table's columns begin at `left`.
    uncached = [(row, col - left, formula) for row, col, formula in formulas.of(name) if col >= left]
    return Table(label=sheet_label, path=label, sheet=name, role=role, headers=headers, header_row=rownum,
                 rows=_sheet_rows(numbered, sheet_label, report), kind="xlsx", uncached_formulas=uncached)


def _sheet_rows(numbered, label: str, report: ProblemReport) -> Iterator[tuple[int, list]]:
    found = False
    try:
        for rownum, values in numbered:
            if values and not all(_blank(v) for v in values):
                found = True
                yield rownum, values
    except Exception as exc:  # a sheet that breaks off: bad input, never a traceback
        report.add("io.bad_xlsx", file=label, params={"error": _error_text(exc)})
        return
    if not found:
        report.add("io.no_data_rows", file=label)


# --- formulas without a cached value ---------------------------------------------------------
# A workbook written by a script (openpyxl, xlsxwriter) keeps formulas but no computed values
# until a spreadsheet program opens and saves it; calamine reads such a cell as empty. The
# sheet XML tells them apart: a formula element and no value. (XLS always stores the result.)

_XLSX_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ODS_FORMULA = re.compile(rb"table:formula=")
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


class _UncachedFormulas:
    """Per sheet name: (row, 0-based column, formula text) of every formula cell without a
    value. Parsed only for the sheets read, and only when their XML holds a formula at all."""

    def __init__(self, data: bytes, fmt: str):
        self.data = data
        self.fmt = fmt
        self._paths: dict[str, str] | None = None

    def of(self, sheet: str) -> list[tuple[int, int, str]]:
        if self.fmt == "xls":
            return []
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as z:
                if self.fmt == "ods":
                    xml = z.read("content.xml")
                    return list(_ods_uncached(xml, sheet)) if _ODS_FORMULA.search(xml) else []
                path = self._sheet_paths(z).get(sheet)
                if path is None:
                    return []
                xml = z.read(path)
                return list(_xlsx_uncached(xml)) if _XLSX_FORMULA.search(xml) else []
        except Exception:  # calamine read the workbook; a part it tolerates is not worth a failure here
            return []

    def _sheet_paths(self, z: zipfile.ZipFile) -> dict[str, str]:
        if self._paths is None:
            import posixpath
            from xml.etree import ElementTree as ET

            rels = {}
            for rel in ET.fromstring(z.read("xl/_rels/workbook.xml.rels")):
                target = rel.get("Target", "")
                target = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
                rels[rel.get("Id")] = target
            paths = {}
            for el in ET.fromstring(z.read("xl/workbook.xml")).iter():
                if _local(el.tag) == "sheet":
                    rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
                    if rid in rels:
                        paths[el.get("name")] = rels[rid]
            self._paths = paths
        return self._paths


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def column_letter(index: int) -> str:
    """Spreadsheet column name of a 0-based index (0 -> A, 26 -> AA)."""
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def _xlsx_uncached(xml: bytes) -> Iterator[tuple[int, int, str]]:
    from xml.etree import ElementTree as ET

    row, col = 0, -1
    for _, el in ET.iterparse(io.BytesIO(xml), events=("end",)):
        tag = _local(el.tag)
        if tag == "row":
            el.clear()
            continue
        if tag != "c":
            continue
        ref = _CELL_REF.fullmatch(el.get("r") or "")
        if ref:
            row, col = int(ref.group(2)), _column_index(ref.group(1))
        else:  # references are optional: the next cell
            col += 1
        formula = value = None
        has_inline = False
        for child in el:
            ctag = _local(child.tag)
            if ctag == "f":
                formula = child.text or ""
            elif ctag == "v":
                value = child.text
            elif ctag == "is":
                has_inline = True
        if formula is not None and not has_inline and not (value or "").strip():
            yield row, col, formula
        el.clear()


def _ods_uncached(xml: bytes, sheet: str) -> Iterator[tuple[int, int, str]]:
    from xml.etree import ElementTree as ET

    table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    office_ns = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    t = lambda name: f"{{{table_ns}}}{name}"  # noqa: E731
    in_sheet = False
    row = 0
    for event, el in ET.iterparse(io.BytesIO(xml), events=("start", "end")):
        if el.tag == t("table"):
            in_sheet = event == "start" and el.get(t("name")) == sheet
            if event == "end":
                el.clear()
            continue
        if not in_sheet or event != "end" or el.tag != t("table-row"):
            continue
        repeat_rows = int(el.get(t("number-rows-repeated"), "1"))
        col = 0
        for cell in el:
            if cell.tag not in (t("table-cell"), t("covered-table-cell")):
                continue
            repeat_cols = int(cell.get(t("number-columns-repeated"), "1"))
            formula = cell.get(t("formula"))
            if formula is not None and cell.get(f"{{{office_ns}}}value-type") is None:
                formula = formula.split(":", 1)[1] if formula.startswith("of:") else formula
                formula = formula[1:] if formula.startswith("=") else formula
                for r in range(row + 1, row + 1 + min(repeat_rows, 1000)):
                    for c in range(col, col + min(repeat_cols, 1000)):
                        yield r, c, formula
            col += repeat_cols
        row += repeat_rows
        el.clear()
