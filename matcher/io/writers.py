"""Writing tables (CSV / XLSX) atomically, with spreadsheet formulas neutralised.

Used for outputs (pairs.csv, unmatched.csv, pairs.xlsx) and for questionnaires the
package writes itself (sample data, round-trip tests).
"""
from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Iterable, Sequence

from ..models import Participant
from .aliases import RU_HEADER

# A cell starting with one of these is run as a formula by Excel / LibreOffice / Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe.

    Plain numbers (e.g. -3.5) are left alone: they are data, not formulas."""
    if not isinstance(value, str) or not value.startswith(FORMULA_PREFIXES):
        return value
    try:
        float(value)
        return value
    except ValueError:
        return "'" + value


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write to a temporary file in the same directory, then rename over the target."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates 0600; a written output gets the usual permissions (0666 less umask).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[object]], *, encoding: str = "utf-8",
              delimiter: str = ",", safe: bool = True) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else (neutralise(v) if safe else v) for v in row])
    text = buf.getvalue()
    if encoding in ("utf-8-sig", "utf-8 bom"):
        return text.encode("utf-8-sig")
    return text.encode(encoding)


def xlsx_bytes(sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[object]]]], *, safe: bool = True) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for title, (headers, rows) in sheets.items():
        ws = wb.create_sheet(title=title[:31])
        ws.append(list(headers))
        for row in rows:
            out = []
            for v in row:
                if isinstance(v, str):
                    v = neutralise(v) if safe else v
                out.append(v)
            ws.append(out)
    buf = io.BytesIO()
    wb.save(buf)
    return reproducible_zip(buf.getvalue())


_ZIP_DATE = (2026, 1, 1, 0, 0, 0)
_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def reproducible_zip(data: bytes) -> bytes:
    """Same workbook or document (XLSX, DOCX: zip packages), same bytes: openpyxl and
    python-docx stamp the current time; fix zip dates and document timestamps so equal
    inputs give byte-identical files."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_TIMES.sub(rb"\g<1>2026-01-01T00:00:00Z\g<3>", body)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE), body,
                         compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def write_csv(path, headers, rows, **kwargs) -> None:
    atomic_write_bytes(path, csv_bytes(headers, rows, **kwargs))


def write_xlsx(path, sheets, **kwargs) -> None:
    atomic_write_bytes(path, xlsx_bytes(sheets, **kwargs))


# --- questionnaires -------------------------------------------------------------------

LIST_FIELDS = ("forms", "subjects", "interests", "offers", "needs", "availability", "want_interests",
               "want_offers", "hard_wishes", "ranking", "avoid", "mentee_variants")
SCALAR_FIELDS = ("id", "name", "role", "category", "age", "birth_date", "gender", "grade", "experience_years",
                 "capacity", "group_min", "consent", "data_consent", "guardian_consent", "trained", "priority",
                 "want_gender", "want_age_min", "want_age_max", "program")


def _cell(field: str, value, lang: str, list_sep: str):
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("да" if value else "нет") if lang == "ru" else ("yes" if value else "no")
    if field == "birth_date":
        return value.strftime("%d.%m.%Y") if lang == "ru" else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return list_sep.join(str(v) for v in value)
    return value


def participant_table(participants: Sequence[Participant], *, lang: str = "en", fields: Sequence[str] | None = None,
                      list_sep: str = "; ") -> tuple[list[str], list[list[object]]]:
    """Headers and rows for questionnaires: canonical English headers, or Russian ones.

    Grades keep their letter ("7Б"); psych scales become psych_<scale> columns; sensitive
    fields are written under their canonical names."""
    if fields is None:
        fields = [f for f in SCALAR_FIELDS + LIST_FIELDS
                  if any(getattr(p, f) not in (None, [], "") for p in participants) or f in ("id", "role")]
    scales = sorted({s for p in participants for s in p.psych})
    sensitive = sorted({k for p in participants for k in p.sensitive})
    headers = [RU_HEADER.get(f, f) if lang == "ru" else f for f in fields]
    headers += [s if s.startswith("psych_") else f"psych_{s}" for s in scales]
    headers += [RU_HEADER.get(k, k) if lang == "ru" else k for k in sensitive]
    rows = []
    for p in participants:
        row = []
        for f in fields:
            v = getattr(p, f)
            if f == "grade" and v is not None and p.grade_letter:
                v = f"{v}{p.grade_letter}"
            row.append(_cell(f, v, lang, list_sep))
        row += [_cell("psych", p.psych.get(s), lang, list_sep) for s in scales]
        row += [p.sensitive.get(k, "") for k in sensitive]
        rows.append(row)
    return headers, rows
