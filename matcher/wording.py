"""One wording of result.json's pieces, for every presenter: `matcher explain` in the
terminal and report.html word the same reasons, suggested changes and titles through here.

A presenter gives `person(id)` (the terminal shows ids, the report names with ids) and
`shown(params)` (a reason's parameters as its reader sees them). Where the terminal and the
report phrase a thing differently, the message has a variant per style: `<code>.<style>`
is used when registered, `<code>` otherwise. A change's words live with its owner (the rule
module or constraints.places that suggests it): `change.<kind>` messages, and an optional
`change_words(change, words) -> dict` for parameters beyond the mentor, the form and numbers.
"""
from __future__ import annotations

from collections.abc import Callable

from . import constraints
from .i18n import MESSAGES, register, render
from .results import form_title

__all__ = ["STYLES", "Words", "form_title"]

STYLES = ("terminal", "report")

register({
    "words.who.mentee": ("наставляемый", "mentee"),
    "words.who.mentor": ("наставник", "mentor"),
    "words.this_mentee": ("этот наставляемый", "this mentee"),
})


class Words:
    """Words for one result document in one language and presenter style."""

    def __init__(self, doc: dict, lang: str, style: str, person: Callable[[str], str],
                 shown: Callable[[dict], dict]):
        if style not in STYLES:
            raise ValueError(style)
        self.doc, self.lang, self.style = doc, lang, style
        self.person, self.shown = person, shown

    def text(self, code: str, params: dict | None = None) -> str:
        """The message `code` in this presenter's variant, if it has one."""
        styled = f"{code}.{self.style}"
        return render(styled if styled in MESSAGES else code, params, self.lang)

    def has(self, code: str) -> bool:
        return f"{code}.{self.style}" in MESSAGES or code in MESSAGES

    def form(self, form) -> str:
        return form_title(self.doc, form, self.lang)

    def who(self, role, pid, self_id: str | None = None) -> str:
        """'mentee E1' (the role and the person); the mentee a text is about is 'this mentee'."""
        if self_id is not None and pid == self_id:
            return self.text("words.this_mentee")
        word = self.text(f"words.who.{role}") if self.has(f"words.who.{role}") else str(role or "")
        return f"{word} {self.person(pid)}"

    def rule(self, code: str, details: dict | None) -> str:
        """One blocking rule with its details: the most specific message the catalogue has."""
        params = self.shown(details or {})
        specific = params.pop("code", None) or code
        for candidate in (specific, code):
            if candidate in MESSAGES:
                return render(candidate, params, self.lang)
        title = f"rule_title.{code}"
        return render(title, None, self.lang) if title in MESSAGES else str(code)

    def change(self, change: dict, self_id: str | None = None) -> str:
        """A suggested change, in its owner's words; the mentee it is for is 'this mentee'."""
        kind = change.get("change", "")
        mentor_id = change.get("mentor_id")
        params = {**self.shown(change.get("params") or {}), "mentor": self.person(mentor_id) if mentor_id else ""}
        owner = constraints.fix_owner(kind)
        if owner is not None and hasattr(owner, "change_words"):
            params.update(owner.change_words(change, self, self_id))
        code = f"change.{kind}"
        return self.text(code, params) if self.has(code) else str(kind)
