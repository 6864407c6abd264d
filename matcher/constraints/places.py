"""A mentor's places: one more place, a lower group minimum.

Not a pair rule: capacity and group minimums are side constraints of the solver, and
whether one stands in a mentee's way is known only from the answer (a full mentor, a
group no assignment can fill). Explain finds those from its run; the changes that lift
them, and how to act on one, live here beside the rules' own fixes, in one registry.
"""
from __future__ import annotations

from ..i18n import register
from .fix import Fix, update_people

CHANGES = ("capacity", "group_min")

register({
    "change.capacity": ("наставник {mentor}: дать ещё одно место ({from} → {to})",
                        "give mentor {mentor} one more place ({from} → {to})"),
    "change.group_min": ("наставник {mentor}: снизить наименьший размер группы с {from} до {to}",
                         "lower the group minimum of mentor {mentor} from {from} to {to}"),
})


def capacity_fix(mentor_id: str, capacity: int) -> Fix:
    return Fix({"change": "capacity", "mentor_id": mentor_id, "params": {"from": capacity, "to": capacity + 1}},
               "person")


def group_min_fix(mentor_id: str, group_min: int, suitable: int) -> Fix:
    """The group can form only as large as the mentees who could join it."""
    return Fix({"change": "group_min", "mentor_id": mentor_id, "params": {"from": group_min, "to": suitable}},
               "person")


def apply(people, config, change):
    to = int(change["params"]["to"])
    if change["change"] == "capacity":
        return update_people(people, change["mentor_id"], True, lambda p: {"capacity": to}), config
    return update_people(people, change["mentor_id"], True, lambda p: {"group_min": to if to > 1 else None}), config
