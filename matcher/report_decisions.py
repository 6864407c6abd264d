"""The consilium's decisions in report.html: what decisions.js needs to build a `--locks` file.

Per pair (and per group member) the page offers "approve" (lock the pair), "forbid" (never
pair them) and, per alternative a lock could hold, "lock instead" (lock the mentee with that
mentor). The page collects the decisions and saves them as a CSV that `matcher match --locks`
reads as it is (locks.FILE_HEADERS, locks.FILE_ACTIONS): no server, nothing leaves the page.

The page's data for it is one JSON object in a data-* attribute (autoescaped, read with
JSON.parse, never markup), ids referenced by position:
  p  the people a decision can name [[id, name]]; f  form ids;
  r  rows: [number (data-num), mentor, mentee, form, [[mentor, form] per alternative shown, or 0
     where a lock could not hold: blocked by a rule, no place, mutual, group out of reach,
     or proven infeasible]];
  e  the decisions this run was made with (its locks and forbids), carried into the file:
     [action 0 lock | 1 forbid, mentor, mentee, form or −1, source];
  slot 1 when a mentee has one mentor per form (a lock replaces the mentee's lock in that
     form only), else 0;
  key  a digest of the result, naming the decisions the browser keeps across reloads.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import PurePath

from .i18n import register, render
from .locks import FILE_ACTIONS, FILE_HEADERS

register({
    "report.decisions_title": ("Решения консилиума", "Consilium decisions"),
    "report.decisions_hint": ("Сохранённый файл читает команда «matcher match --locks decisions.csv»: "
                              "утверждённые пары закрепляются, запрещённые исключаются.",
                              "The saved file is read by `matcher match --locks decisions.csv`: approved pairs "
                              "are locked, forbidden ones excluded."),
    "report.decisions_save": ("Сохранить решения (CSV)", "Save decisions (CSV)"),
    "report.decisions_bar": ("Решение консилиума:", "Consilium decision:"),
    "report.decisions_approve": ("Утвердить пару", "Approve the pair"),
    "report.decisions_forbid": ("Запретить пару", "Forbid the pair"),
    "report.decisions_instead": ("Закрепить вместо", "Lock instead"),
    "report.decisions_undo": ("Отменить", "Undo"),
    "report.decisions_chip_approved": ("утверждено", "approved"),
    "report.decisions_chip_forbidden": ("запрещено", "forbidden"),
    "report.decisions_chip_instead": ("закрепить: {mentor}", "lock: {mentor}"),
    "report.decisions_item_lock": ("Закрепить: {mentor} — {mentee}", "Lock: {mentor} — {mentee}"),
    "report.decisions_item_forbid": ("Запретить: {mentor} — {mentee}", "Forbid: {mentor} — {mentee}"),
    "report.decisions_note_approve": ("пара утверждена", "pair approved"),
    "report.decisions_note_forbid": ("пара запрещена", "pair forbidden"),
    "report.decisions_note_instead": ("прежний наставник — {mentor}", "instead of mentor {mentor}"),
    "report.decisions_note_earlier": ("прежнее решение {source}", "earlier decision {source}"),
    "report.decisions_note_earlier_plain": ("прежнее решение", "earlier decision"),
})

# An alternative a lock can hold: a mentor with a place, free or taken by others.
LOCKABLE = ("free_place", "taken")
FILE_NAME = "decisions.csv"


def _labels(lang: str) -> dict:
    def t(name: str, **params) -> str:
        return render(f"report.decisions_{name}", params or None, lang)

    return {
        "bar": t("bar"), "approve": t("approve"), "forbid": t("forbid"), "instead": t("instead"), "undo": t("undo"),
        "chipApproved": t("chip_approved"), "chipForbidden": t("chip_forbidden"),
        "chipInstead": t("chip_instead", mentor="{mentor}"),
        "itemLock": t("item_lock", mentor="{mentor}", mentee="{mentee}"),
        "itemForbid": t("item_forbid", mentor="{mentor}", mentee="{mentee}"),
        "noteApprove": t("note_approve"), "noteForbid": t("note_forbid"),
        "noteInstead": t("note_instead", mentor="{mentor}"),
        "noteEarlier": t("note_earlier", source="{source}"), "noteEarlierPlain": t("note_earlier_plain"),
        "headers": list(FILE_HEADERS[lang]), "actions": FILE_ACTIONS[lang],
        "delimiter": ";" if lang == "ru" else ",",  # what a spreadsheet in that locale splits on
        "file": FILE_NAME,
    }


def _source(source: str | None) -> str:
    """'folder/consilium.csv:3' as 'consilium.csv:3': the file's name and row, not where it lay."""
    if not source:
        return ""
    path, _, row = source.rpartition(":")
    return f"{PurePath(path).name}:{row}" if path else source


def decisions_view(doc: dict, unit_list: list[dict], alternatives_shown: int, lang: str) -> dict:
    """The decisions panel's data and labels (both JSON text for data-* attributes): rows as
    numbered in `unit_list`, the first `alternatives_shown` alternatives of each, in the
    order the page lists them; names as the page shows them (`doc` anonymised or not)."""
    known = {m["mentor_id"]: m.get("mentor_name") for m in doc.get("mentors") or []}
    known.update((u["mentee_id"], u.get("mentee_name")) for u in doc.get("unmatched") or [])
    people: dict[str, int] = {}
    names: list[list[str]] = []

    def person(pid: str, name: str | None = None) -> int:  # only the people a decision can name
        k = people.get(pid)
        if k is None:
            k = people[pid] = len(names)
            names.append([pid, name or known.get(pid) or ""])
        return k

    forms: dict[str, int] = {}

    def form(f: str | None) -> int:
        if f is None:
            return -1
        return forms.setdefault(f, len(forms))

    explanation = {(p["mentor_id"], p["mentee_id"], p["form"]): p.get("explanation") or {}
                   for p in doc.get("pairs") or []}
    rows = []
    for u in unit_list:
        for r in u["rows"]:
            alternatives = explanation.get((r["mentor_id"], r["mentee_id"], r["form"]), {}).get("alternatives") or []
            alts = []
            for a in alternatives[:alternatives_shown]:
                lockable = a.get("status") in LOCKABLE and (a.get("forcing") or {}).get("feasible") is not False
                alts.append([person(a["mentor_id"], a.get("mentor_name")), form(a.get("form") or r["form"])]
                            if lockable else 0)
            rows.append([r["num"], person(r["mentor_id"], r["mentor_name"]),
                         person(r["mentee_id"], r["mentee_name"]), form(r["form"]), alts])
    earlier = [[0, person(lk["mentor_id"]), person(lk["mentee_id"]), form(lk.get("form")), _source(lk.get("source"))]
               for lk in doc.get("locks") or []]
    earlier += [[1, person(fb["mentor_id"]), person(fb["mentee_id"]), -1, ""] for fb in doc.get("forbids") or []]
    per_form = (doc.get("program") or {}).get("one_mentor_per") == "form"
    data = {"p": names, "f": list(forms), "r": rows, "e": earlier, "slot": int(per_form)}
    digest = hashlib.sha256(json.dumps([doc.get("seed"), doc.get("input_files"), data], ensure_ascii=False,
                                       separators=(",", ":")).encode("utf-8")).hexdigest()
    data["key"] = digest[:16]
    return {"data": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
            "labels": json.dumps(_labels(lang), ensure_ascii=False, separators=(",", ":"))}
