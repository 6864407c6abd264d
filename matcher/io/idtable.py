"""Small tables of ids the consilium edits by hand (decisions, previous pairs, changes): the
first table of a CSV or workbook, its columns found by alias, each cell as text.

Ids are read as the questionnaires' ids are: invisible characters dropped and the apostrophe a
writer puts before a formula-like text ("'-A1") taken off. A required column that is missing
is a problem at the header row; nothing else is checked here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import register
from ..problems import ProblemReport
from ..text import clean_id, norm
from .coerce import cell_text, unneutralise
from .readers import read_tables

register({
    "locks.missing_column": ("нет обязательного столбца «{column}» (ожидается одно из: {expected})",
                             "required column '{column}' is missing (expected one of: {expected})"),
})


@dataclass
class IdTable:
    label: str  # the file as messages name it (and [sheet])
    header_row: int
    headers: dict[str, str] = field(default_factory=dict)  # field -> the header as written
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (row number, field -> text)
    repeated: list[tuple[str, str]] = field(default_factory=list)  # (field, header) of a field's later columns: unread


def id_text(text: str) -> str:
    """An id cell as the questionnaires' ids are read."""
    return clean_id(unneutralise(text))


def read_id_table(path, columns: dict[str, list[str]], required: tuple[str, ...],
                  report: ProblemReport, *, mapping: dict[str, str] | None = None,
                  header_field=None) -> IdTable | None:
    """The first table of `path` with the fields of `columns` (field -> header aliases) it has;
    None (with problems in `report`) when it cannot be read or lacks a `required` field.
    `mapping` (norm(header) -> field, a mapping file's columns) wins over the aliases, and a
    field it names is taken from no other column; `header_field(header)` is asked about a
    header neither knows."""
    mapping = mapping or {}
    mapped = set(mapping.values())
    lookup = {norm(alias): name for name, aliases in columns.items() for alias in aliases if name not in mapped}
    lookup.update(mapping)
    tables = read_tables(path, None, report, looks_like_table=lambda headers: any(
        norm(h) in lookup or (header_field is not None and header_field(h)) for h in headers))
    if not tables:
        return None
    table = tables[0]
    col: dict[str, int] = {}
    repeated = []
    for k, header in enumerate(table.headers):
        name = lookup.get(norm(header))
        if name is None and header_field is not None:
            name = header_field(header)
            name = None if name in mapped else name
        if name and name not in col:
            col[name] = k
        elif name:
            repeated.append((name, header))
    missing = [name for name in required if name not in col]
    for name in missing:
        report.add("locks.missing_column", file=table.label, row=table.header_row, column=name,
                   params={"expected": ", ".join(columns[name][:3])})
    if missing:
        return None
    out = IdTable(table.label, table.header_row, {name: table.headers[k] for name, k in col.items()},
                  repeated=repeated)
    for row, cells in table.rows:
        values = {}
        for name, k in col.items():
            # a numeric id read from a workbook as 101.0 is '101'
            values[name] = cell_text(cells[k]).strip() if k < len(cells) and cells[k] is not None else ""
        out.rows.append((row, values))
    return out
