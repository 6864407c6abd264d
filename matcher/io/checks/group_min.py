"""A mentor's group minimum must fit the places offered. Capacity 0 with a minimum is
consistent: the mentor takes none (a group of none)."""
from __future__ import annotations

from ...i18n import register
from .base import Found

CODES = ("io.group_min_over_capacity",)

register({
    "io.group_min_over_capacity": ("минимальный размер группы ({value}) больше числа мест у наставника ({capacity})",
                                   "the group minimum ({value}) is larger than the mentor's capacity ({capacity})"),
})


def prepare(table):
    header = table.present.get("group_min")
    if header is None:
        return None

    def group_min_within_capacity(row):
        group_min = row.data.get("group_min")
        capacity = row.data.get("capacity", 1)
        if group_min is not None and 0 < capacity < group_min:
            yield Found("io.group_min_over_capacity", column=header, value=str(group_min),
                        params={"capacity": capacity})

    return group_min_within_capacity
