"""The id and the role are required in every row (the role only where the file does not
imply it). A cell already reported bad is not reported again as empty."""
from __future__ import annotations

from ...i18n import register
from .base import Found

CODES = ("io.required_empty",)

register({
    "io.required_empty": ("пустая ячейка в обязательном столбце", "empty cell in a required column"),
})


def prepare(table):
    id_header = table.present.get("id")
    role_header = table.present.get("role") if table.implied_role is None else None
    if id_header is None and role_header is None:
        return None

    def required_cells(row):
        data, failed = row.data, row.failed
        if id_header is not None and not data.get("id") and "id" not in failed:
            yield Found("io.required_empty", column=id_header)
        if role_header is not None and "role" not in data and "role" not in failed:
            yield Found("io.required_empty", column=role_header)

    return required_cells
