"""Re-matching mid-year without disturbing working pairs: `matcher rematch`.

    import matcher
    from matcher.rematch import load_previous, option_changes
    previous = load_previous("results", report)            # a result folder, or an edited pairs.csv
    done = matcher.run_rematch(ingest, config, "results-2", previous,
                               requests=option_changes(replace=["S0007"]), mode="keep")

A round starts from the previous one (inputs.py), checks its pairs against today's
questionnaires and solves so that working pairs stay (plan.py), and says what changed and why
(words.py): the full new state as `matcher match` writes it (pairs.csv, unmatched.csv,
result.json with a `rematch` part, report.html with a "what changed" section) plus changes.csv.
"""
from __future__ import annotations

from functools import partial

from ..problems import ProblemReport
from .inputs import ChangeRequest, Previous, load_changes, load_previous, option_changes
from .plan import MODES, Round, never_again, prepare_round, round_changes, solve_round, waiting_after

__all__ = ["MODES", "ChangeRequest", "Previous", "Round", "load_changes", "load_previous", "option_changes",
           "prepare_round", "run_rematch", "solve_round"]

FORMAT_VERSION = 1


def run_rematch(participants, config, out, previous: Previous, *, requests: list[ChangeRequest] = (),
                mode: str = "keep", pair_specs=None, lang: str = "en", headers: str = "en",
                report: ProblemReport | None = None, **run_options):
    """One re-matching round, as `matcher rematch` runs it: pipeline.run with the previous round
    checked and held (plan.prepare_round, plan.solve_round) and changes.csv added to the set.
    `participants`: a list of Participant or the Ingest of matcher.load. Raises
    problems.InputRejected (a request or an edited pairs table that does not fit the
    questionnaires, unknown ids in locks) and whatever pipeline.run raises; returns its RunResult,
    whose `round` is the plan.Round (`round.stage`: repair mode's first solve)."""
    from ..pipeline import run

    if hasattr(participants, "participants"):  # an Ingest
        ingest = participants
        participants = ingest.participants
        run_options.setdefault("input_files", ingest.files)
        run_options.setdefault("warnings", [p.to_dict(lang) for p in ingest.report.warnings])
    rnd = prepare_round(participants, config, previous, list(requests), mode, report)
    done = run(rnd.participants, config, out, pair_specs=pair_specs, lang=lang, headers=headers,
               solve_step=partial(solve_round, rnd), extend=partial(_extend, rnd, lang, headers), **run_options)
    done.round = rnd
    return done


def _extend(rnd: Round, lang: str, headers: str, result, doc: dict) -> dict[str, bytes]:
    """pipeline.run's `extend`: the round's changes into the document (its `rematch` part, each
    pair's explanation), the consilium's own locks apart from the ones holding previous pairs,
    and changes.csv."""
    from .words import changes_csv

    records = round_changes(rnd, result)
    doc["locks"] = doc["locks"][:rnd.user_locks]
    user = {(lk["mentee_id"], lk["mentor_id"]) for lk in doc["locks"]}
    of_pair = {(r["mentee_id"], r["mentor_id"]): r for r in records if r["mentor_id"]}
    for p in doc["pairs"]:
        locked = (p["mentee_id"], p["mentor_id"]) in user
        p["locked"] = locked
        explanation = p.get("explanation")
        record = of_pair.get((p["mentee_id"], p["mentor_id"]))
        if explanation is not None:
            explanation["locked"] = locked
            if record is not None:
                explanation["change"] = record
    present = set(result.roster.mentees.ids) | set(result.roster.mentors.ids)
    ids = {pid for r in records for pid in (r["mentee_id"], r["previous_mentor_id"], r["mentor_id"]) if pid}
    earlier = [{"mentee_id": t, "mentor_id": m, "cause": "earlier"} for t, m in rnd.previous.never_again]
    now = never_again(rnd, records)
    seen, never = set(), []
    for entry in now + earlier:
        if (entry["mentee_id"], entry["mentor_id"]) not in seen:
            seen.add((entry["mentee_id"], entry["mentor_id"]))
            never.append(entry)
    counts = {c: sum(1 for r in records if r["change"] == c) for c in ("kept", "new", "moved", "dissolved")}
    names = {pid: rnd.gone_names.get(pid) or rnd.previous.names.get(pid, "")
             for pid in sorted((ids - present) | set(rnd.gone))}
    gender = {**(rnd.previous.genders or {}), **{p.id: p.gender for p in result.participants if p.gender}}
    doc["rematch"] = {
        "format_version": FORMAT_VERSION,
        "mode": rnd.mode,
        "round": rnd.round,
        "previous": {"source": rnd.previous.label, "kind": rnd.previous.kind, "round": rnd.previous.round},
        "requests": [{"change": r.kind, "id": r.id, "mentor_id": r.mentor_id, "source": r.source}
                     for r in rnd.requests],
        "waiting_priority": rnd.waiting_priority,
        "raised": dict(sorted(rnd.raised.items())),
        "counts": counts,
        "changes": records,
        "waiting": waiting_after(rnd, [u["mentee_id"] for u in doc["unmatched"]]),
        "never_again": sorted(never, key=lambda e: (e["mentee_id"], e["mentor_id"])),
        "gone": dict(sorted(rnd.gone.items())),
        "names": names,
        "genders": {pid: gender[pid] for pid in names if gender.get(pid)},  # the words that agree with them
        "repair_solve": rnd.stage or None,
    }
    return {"changes.csv": changes_csv(doc, lang, headers)}
