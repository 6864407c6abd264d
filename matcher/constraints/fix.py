"""What a rule offers to lift itself for a blocked pair: a suggested change (a Fix), and
the means to act on one. Shared by the rule modules; the contract is in __init__.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# How far a change reaches, in the order suggestions are tried: the unmatched mentee's own
# data first, then one other person's data, then the programme's rules.
SCOPES = ("mentee", "person", "programme")


@dataclass(frozen=True)
class Fix:
    """One suggested change. `change` is what result.json keeps ({"change": kind,
    "mentor_id": id or None, "params": {...}}, in that key order); the rest says how
    explain ranks and checks it and is never written."""

    change: dict
    scope: str  # one of SCOPES; "mentee" lets the rule's `patch` check it incrementally
    # Sorted before the would-be score within a scope: e.g. smaller relaxations first.
    order: tuple = ()
    # Fixes sharing this key are alternatives: only the best ranked one is checked.
    one_of: tuple | None = None
    # What the change asks for, as hashable parts: a fix asking for everything a verified
    # fix of the same kind asked for, and more, is no smaller change and is skipped.
    parts: frozenset | None = None


def update_people(people: list, pid: str, mentor: bool | None, fields: Callable) -> list:
    """A copy of `people` where the participant `pid` (the mentor's entry when `mentor`, the
    mentee's when not, either when None) has the fields `fields(participant)` returns."""
    people = list(people)
    for n, p in enumerate(people):
        if p.id == pid and (mentor is None or (p.is_mentor if mentor else p.is_mentee)):
            people[n] = p.model_copy(update=fields(p))
    return people
