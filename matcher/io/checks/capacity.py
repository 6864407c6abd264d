"""A mentor offering no places will get no mentee: a warning."""
from __future__ import annotations

from ...i18n import register
from ...problems import WARNING
from .base import Found

CODES = ("io.capacity_zero",)

register({
    "io.capacity_zero": ("у наставника 0 мест: ему не будет назначен ни один наставляемый",
                         "the mentor's capacity is 0: no mentee will be assigned"),
})


def prepare(table):
    header = table.present.get("capacity")
    if header is None:
        return None

    def mentor_offers_places(row):
        if row.role in ("mentor", "both") and row.data.get("capacity") == 0:
            yield Found("io.capacity_zero", WARNING, header)

    return mentor_offers_places
