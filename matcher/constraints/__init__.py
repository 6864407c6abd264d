"""Hard rules, one module each. The registry below lists them in one place.

Every rule module exposes:

    CODE: str                 reason code, also the key of its message in the catalogue
    FORM_DEPENDENT: bool      whether the verdict depends on the form of mentoring
    def check(roster, mentee, mentor, form) -> np.ndarray[bool]
        True where the pair passes; `mentee`, `mentor` are int64 index arrays into
        roster.mentees / roster.mentors that broadcast together: equal lengths for a list of
        pairs, or a column of mentees against a row of mentors ([r, 1] and [1, c]) for a
        block, which the candidate graph checks without a gather per pair. The result has
        their broadcast shape, or one that broadcasts to it (a rule about the mentee alone
        may answer [r, 1]). `form` a form id of roster.form_ids (ignored by form-independent
        rules). Bulk numpy, no Python loop per pair.
    def details(roster, mentee: int, mentor: int, form) -> dict
        parameters of the reason for one blocked pair, for explanations
        (e.g. {"gap": 6, "min": 9}); rendered through the message catalogue.

A rule may also own the change that lifts it (optional; all three, or `patch` left out):

    CHANGES: tuple[str, ...]  kinds of change it suggests (`change` of result.json's suggestions)
    def suggest(roster, mentee: int, mentor: int, form, details: dict) -> list[Fix]
        changes that would let this blocked pair pass this rule; `details` is what
        details() gave, through JSON (constraints.fix.Fix: the change and how to rank it)
    def apply(participants: list, config, change: dict) -> (participants, config)
        copies with the change made, as a curator would make it; the inputs are left as they are
    def patch(roster, change: dict) -> Roster
        for a change of scope "mentee": the roster build_roster would give after it (only
        that mentee's entries differ), so the change is checked without a full rebuild

A rule sees only the arrays view (`matcher.arrays.Roster`): never another rule, the
solver or the CLI. Adding a rule touches its module, the RULES line and its test; explain asks
`fix_owner(kind)` for a suggested change, so a rule's fix needs nothing more.
"""
from __future__ import annotations

from types import ModuleType

import numpy as np

from ..arrays import pair_shape
from . import (
    age_gap,
    avoid,
    consent,
    experience,
    form_compat,
    grade_order,
    hard_wishes,
    mentee_bounds,
    mentee_variant,
    places,
    same_subject,
    self_pair,
    trained,
)

# Order matters only for display; bit k of a blocked pair's reason mask is RULES[k].
RULES: list[ModuleType] = [
    self_pair,
    form_compat,
    consent,
    age_gap,
    grade_order,
    experience,
    mentee_variant,
    mentee_bounds,
    same_subject,
    trained,
    avoid,
    hard_wishes,
]
# Rules whose verdict depends on the mentee and the form only. Each also exposes
# `admits(side, form_rule) -> bool array` over the arrays of `side` (age, grade, category,
# variants, experience), so validation can warn about a row no mentor of its forms could take.
MENTEE_RULES: list[ModuleType] = [mentee_variant, mentee_bounds]
# Codes of pair-level verdicts decided outside this package (graph and consilium input; the
# programme's history: pairs dissolved or rated unacceptable in earlier years).
EXTRA_CODES = ["forbidden", "min_score", "history"]
RULE_CODES: list[str] = [r.CODE for r in RULES] + EXTRA_CODES
RULE_BIT: dict[str, int] = {code: 1 << k for k, code in enumerate(RULE_CODES)}
# Owners of changes that are no pair rule's: a mentor's places (solver side constraints).
SOLVER_FIXES: list[ModuleType] = [places]


def reasons_mask(roster, mentee: np.ndarray, mentor: np.ndarray, form: str) -> np.ndarray:
    """Bitmask of failed rules per pair for one form (0 = passes every rule), in the pairs'
    shape (a list, or a block: see `check` above)."""
    mask = np.zeros(pair_shape(mentee, mentor), dtype=np.uint32)
    for k, rule in enumerate(RULES):
        ok = _own_values(rule.check(roster, mentee, mentor, form))
        if not ok.all():
            mask |= np.multiply(~ok, np.uint32(1 << k), dtype=np.uint32)
    return mask


def _own_values(a: np.ndarray) -> np.ndarray:
    """A broadcast view (a rule that does not apply: `arrays.everyone`) cut to its own values:
    axes of stride 0 to length 1, so a block is not read pair by pair for nothing."""
    return a[tuple(slice(0, 1) if stride == 0 else slice(None) for stride in a.strides)]


def rule_by_code(code: str) -> ModuleType | None:
    for rule in RULES:
        if rule.CODE == code:
            return rule
    return None


def fix_owner(kind: str) -> ModuleType | None:
    """The module (a rule, or one of SOLVER_FIXES) that owns a kind of suggested change."""
    for owner in RULES + SOLVER_FIXES:
        if kind in getattr(owner, "CHANGES", ()):
            return owner
    return None
