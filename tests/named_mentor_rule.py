"""A rule that exists only in tests: the order names every mentor, so a mentor without a
name on record cannot be paired. It owns its fix (record the name) and its words, and
nothing outside this module and the registry knows about it."""
from __future__ import annotations

import numpy as np

from matcher.constraints.fix import Fix, update_people
from matcher.i18n import MESSAGES, register

CODE = "named_mentor"
FORM_DEPENDENT = False
CHANGES = ("mentor_name",)

if CODE not in MESSAGES:  # the catalogue refuses a code twice; tests may import this twice
    register({
        CODE: ("наставник {id}: не указано ФИО", "mentor {id} has no name on record"),
        "rule_title." + CODE: ("ФИО наставника", "mentor's name"),
        "change.mentor_name": ("наставник {mentor}: записать ФИО", "record the name of mentor {mentor}"),
    })


def check(roster, mentee, mentor, form):
    named = np.array([bool(name) for name in roster.mentors.names], dtype=bool)
    return named[mentor]


def details(roster, mentee, mentor, form):
    return {"id": roster.mentors.ids[mentor]}


def suggest(roster, mentee, mentor, form, details):
    return [Fix({"change": "mentor_name", "mentor_id": details["id"], "params": {}}, "person")]


def apply(people, config, change):
    return update_people(people, change["mentor_id"], True, lambda p: {"name": f"Mentor {p.id}"}), config
