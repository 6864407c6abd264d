"""Across years: what the programme's history changes in this year's `matcher match`.

- A pair a re-match of the programme dissolved (table ended_pair, any earlier run) is never
  proposed again; nor, with `[history] exclude_unacceptable` (default), a pair whose
  after-stage monitoring in an earlier school year scored all nine indicators with a total
  of 0-8 (the "unacceptable" band of 002 §6). Each becomes an exclusion with its true reason
  (the candidate graph's rule "history", worded by the reason's own message), never a
  generic forbid.
- A mentee the previous school year's last run left without a pair gains
  `[history] carry_priority` priority classes (default 1; 0 = none).

Ids absent from this year's questionnaires are skipped. `Carry.record()` is what goes into
the result document (`history`), so the CLI and the report can show what the history changed.

    with History.open("school.db") as history:
        carry = plan_carry(history, config, ingest.participants, "2026/2027")
        done = matcher.run(carry.participants, config, "results", exclusions=carry.exclusions,
                           extend=carry.extend, input_files=ingest.files)
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import render
from ..models import Exclusion, Participant
from .store import CARRIED, History


# The "history" rule's reasons, and the lines on what the history changed: their messages are
# in results.py, where every reason is worded (the report shows them too).
ENDED, UNACCEPTABLE = "history.reason.ended", "history.reason.unacceptable"


def previous_year(year: str) -> str:
    """'2025/2026' from '2026/2027'."""
    start = int(year.split("/")[0]) - 1
    return f"{start}/{start + 1}"


@dataclass
class Carry:
    """What the history changes in this year's match."""

    file: str  # the history file's name (never its path)
    programme: str
    year: str
    participants: list[Participant]  # as given, with the carried priorities raised
    exclusions: list[Exclusion] = field(default_factory=list)  # pairs of present people only
    raised: dict[str, int] = field(default_factory=dict)  # mentee id -> classes added
    carry_priority: int = 0

    @property
    def previous_year(self) -> str:
        return previous_year(self.year)

    def record(self) -> dict:
        """The result document's `history` part."""
        excluded = [{"mentee_id": x.mentee_id, "mentor_id": x.mentor_id,
                     "reason": x.reason["code"].rsplit(".", 1)[1],
                     **{k: v for k, v in x.reason.items() if k != "code"}} for x in self.exclusions]
        return {"file": self.file, "programme": self.programme, "school_year": self.year,
                "excluded": sorted(excluded, key=lambda e: (e["mentee_id"], e["mentor_id"])),
                "carry_priority": self.carry_priority, "previous_year": self.previous_year,
                "raised": dict(sorted(self.raised.items()))}

    def extend(self, result, doc: dict) -> dict[str, bytes]:
        """pipeline.run's `extend`: the `history` part into the document, its lines among the
        explanations' notes (the report shows them); no file of its own."""
        doc["history"] = self.record()
        notes = doc.setdefault("explanations", {}).setdefault("notes", [])
        notes += [{"code": code, "params": params} for code, params in carry_notes(doc["history"])]
        return {}


def plan_carry(history: History, config, participants: list[Participant], year: str) -> Carry:
    """The exclusions and raised priorities the history gives this year's match of the
    programme `config.program.name`."""
    from pathlib import Path

    programme = config.program.name
    mentors = {p.id for p in participants if p.is_mentor}
    mentees = {p.id for p in participants if p.is_mentee}
    reasons: dict[tuple[str, str], dict] = {}
    ended = history.ended_pairs(programme)
    for mentee, mentor, ended_in, cause in ended:
        if cause != CARRIED:
            reasons[(mentee, mentor)] = {"code": ENDED, "year": ended_in}
    if config.history.exclude_unacceptable:
        for mentee, mentor, rated_in, total in history.unacceptable_pairs(programme, year):
            reasons.setdefault((mentee, mentor), {"code": UNACCEPTABLE, "year": rated_in, "total": total})
    for mentee, mentor, ended_in, cause in ended:  # only carried on by a re-match: the best we know
        reasons.setdefault((mentee, mentor), {"code": ENDED, "year": ended_in})
    exclusions = [Exclusion(mentor, mentee, reason) for (mentee, mentor), reason in sorted(reasons.items())
                  if mentee in mentees and mentor in mentors]
    bonus = int(config.history.carry_priority)
    raised: dict[str, int] = {}
    people = list(participants)
    if bonus:
        waited = set(history.unmatched_in(programme, previous_year(year)))
        for k, p in enumerate(people):
            if p.is_mentee and p.id in waited:
                people[k] = p.model_copy(update={"priority": p.priority + bonus})
                raised[p.id] = bonus
    return Carry(Path(history.path).name, programme, year, people, exclusions, raised, bonus)


def carry_notes(part: dict) -> list[tuple[str, dict]]:
    """What the history changed (the result document's `history` part), as message codes and
    parameters: nothing when it changed nothing."""
    excluded, raised = part.get("excluded") or [], part.get("raised") or {}
    out = []
    if excluded:
        ended = sum(1 for e in excluded if e["reason"] == "ended")
        out.append(("history.carry_excluded", {"n": len(excluded), "ended": ended,
                                               "unacceptable": len(excluded) - ended}))
    if raised:
        out.append(("history.carry_raised", {"n": len(raised), "by": part.get("carry_priority", 0),
                                             "year": part.get("previous_year", "")}))
    return out


def carry_lines(doc: dict, lang: str) -> list[str]:
    """The terminal's lines on what the history changed."""
    return [render(code, params, lang) for code, params in carry_notes(doc.get("history") or {})]
