"""Result documents and output files: pairs.csv, unmatched.csv, result.json (+ pairs.xlsx).

result.json is deterministic for the same input, configuration and seed: no timestamps
and no wall times in it (the CLI prints those), sorted iteration everywhere.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from . import __version__, constraints, scoring
from .graph import SCORE_SCALE
from .i18n import plural, register, render
from .io.writers import atomic_write_bytes, csv_bytes, write_xlsx
from .jsonutil import jsonable

register({
    "unmatched.no_candidate": ("нет ни одного подходящего наставника: чаще всего мешает правило «{top_rule}»",
                               "no mentor passes the hard rules; most often blocked by: {top_rule}"),
    "unmatched.no_mentor_in_form": ("нет наставников в формах наставляемого", "no mentor in this mentee's forms"),
    "unmatched.no_form": ("наставляемый не указал ни одной формы наставничества", "the mentee is in no form of mentoring"),
    "unmatched.candidates_taken": ("подходящие наставники ({count}) заняты другими наставляемыми",
                                   "all {count} suitable mentors are needed for other mentees"),
    "unmatched.no_places": ("у подходящих наставников ({count}) нет мест (вместимость 0)",
                            "the {count} suitable mentor(s) have no places (capacity 0)"),
    "unmatched.not_chosen": ("пара не выбрана: {count} подходящих наставников",
                             "not paired: {count} suitable mentors"),
    "rule_title.self_pair": ("один и тот же человек", "same person"),
    "rule_title.form_compat": ("форма наставничества", "form of mentoring"),
    "rule_title.consent": ("согласие", "consent"),
    "rule_title.age_gap": ("разница в возрасте", "age gap"),
    "rule_title.grade_order": ("класс наставника", "mentor's grade"),
    "rule_title.experience": ("стаж", "experience"),
    "rule_title.same_subject": ("общий предмет", "same subject"),
    "rule_title.trained": ("подготовка наставника", "mentor training"),
    "rule_title.avoid": ("просьба не объединять", "asked not to be paired"),
    "rule_title.hard_wishes": ("обязательные пожелания", "hard wishes"),
    "rule_title.forbidden": ("запрет консилиума", "forbidden by the consilium"),
    "rule_title.min_score": ("минимальная оценка пары", "minimum pair score"),
    "component.interests": ("интересы", "interests"),
    "component.needs": ("запросы и помощь", "needs and offers"),
    "component.mirror": ("зеркальные пожелания", "mirror wishes"),
    "component.psych": ("психологическая совместимость", "psychological compatibility"),
    "component.ranking": ("выбор после быстрых встреч", "speed-meeting choices"),
    "component.availability": ("свободное время", "free time"),
    "header.mentor_id": ("Код наставника", "mentor_id"),
    "header.mentor_name": ("Наставник", "mentor_name"),
    "header.mentee_id": ("Код наставляемого", "mentee_id"),
    "header.mentee_name": ("Наставляемый", "mentee_name"),
    "header.form": ("Форма", "form"),
    "header.score": ("Оценка", "score"),
    "header.reasons": ("Обоснование", "reasons"),
    "header.reason_code": ("Код причины", "reason_code"),
    "header.reason": ("Причина", "reason"),
    "gap.priority.one": ("ещё до {n} наставляемого с приоритетом {priority}", "up to {n} more priority-{priority} mentee"),
    "gap.priority.few": ("ещё до {n} наставляемых с приоритетом {priority}",
                         "up to {n} more priority-{priority} mentees"),
    "gap.priority.many": ("ещё до {n} наставляемых с приоритетом {priority}",
                          "up to {n} more priority-{priority} mentees"),
    "gap.matched.one": ("ещё до {n} пары", "up to {n} more pair"),
    "gap.matched.few": ("ещё до {n} пар", "up to {n} more pairs"),
    "gap.matched.many": ("ещё до {n} пар", "up to {n} more pairs"),
    "gap.score": ("сумма оценок — в пределах {pct} %", "score within {pct} %"),
    "gap.score_resolution": ("оценки пар сравнивались с шагом {step} вместо {finest}: сумма оценок может быть "
                             "ниже наилучшей менее чем на {step} на каждую пару",
                             "pair scores were compared in steps of {step} instead of {finest}: the total score may "
                             "fall short of the best by less than {step} per pair"),
})

PAIR_COLUMNS = ["mentor_id", "mentor_name", "mentee_id", "mentee_name", "form", "score", "reasons"]
UNMATCHED_COLUMNS = ["mentee_id", "mentee_name", "reason_code", "reason"]


def _round(x: float, digits: int = 4) -> float:
    return float(round(float(x), digits))


def pair_records(result) -> list[dict]:
    graph, roster = result.graph, result.roster
    weights = scoring.weights_vector(roster.config, roster)
    wsum = weights.sum() or 1.0
    locked = {(lk.mentee, lk.mentor) for lk in result.locks}
    out = []
    for e in result.solution.edges:
        i, j = int(graph.mentee[e]), int(graph.mentor[e])
        comps = {}
        for k, comp in enumerate(scoring.COMPONENTS):
            if weights[k] <= 0:
                continue
            code, params = comp.explain(roster, i, j)
            value = float(graph.components[e, k])
            comps[comp.NAME] = {
                "value": _round(value), "weight": _round(weights[k] / wsum),
                "contribution": _round(value * weights[k] / wsum),
                "reason": {"code": code, "params": jsonable(params)},
            }
        out.append({
            "mentor_id": roster.mentors.ids[j], "mentor_name": roster.mentors.names[j],
            "mentee_id": roster.mentees.ids[i], "mentee_name": roster.mentees.names[i],
            "form": roster.form_ids[int(graph.form[e])], "score": _round(graph.score[e]),
            "score_int": int(graph.score_int[e]), "priority": int(roster.mentees.priority[i]),
            "locked": (i, j) in locked, "components": comps,
        })
    out.sort(key=lambda p: (p["mentor_id"], p["mentee_id"], p["form"]))
    return out


def unmatched_records(result) -> list[dict]:
    graph, roster = result.graph, result.roster
    out = []
    for i in result.unmatched_mentees():
        i = int(i)
        n_cand = len(graph.edges_of_mentee(i))
        row = graph.blocked[i]
        blocked_by = {}
        for code, bit in constraints.RULE_BIT.items():
            count = int(np.count_nonzero(row & bit))
            if count:
                blocked_by[code] = count
        if roster.mentees.forms[i] == 0:
            code, params = "unmatched.no_form", {}
        elif n_cand == 0:
            shared = int(np.count_nonzero(graph.blocked_form[i] >= 0))
            if shared == 0:
                code, params = "unmatched.no_mentor_in_form", {}
            else:
                top = max((c for c in blocked_by if c != "form_compat"), key=lambda c: (blocked_by[c], c),
                          default="form_compat")
                code, params = "unmatched.no_candidate", {"top_rule": top}
        elif not (roster.mentors.capacity[graph.mentor[graph.edges_of_mentee(i)]] > 0).any():
            code, params = "unmatched.no_places", {"count": n_cand}
        else:
            code, params = "unmatched.candidates_taken", {"count": n_cand}
        out.append({
            "mentee_id": roster.mentees.ids[i], "mentee_name": roster.mentees.names[i],
            "priority": int(roster.mentees.priority[i]), "reason_code": code, "reason_params": params,
            "candidates": n_cand, "blocked_by": blocked_by,
        })
    out.sort(key=lambda u: u["mentee_id"])
    return out


def mentor_records(result) -> list[dict]:
    graph, roster = result.graph, result.roster
    load = np.bincount(graph.mentor[result.solution.edges], minlength=roster.mentors.n)
    members: dict[int, list[str]] = {}
    for e in result.solution.edges:
        members.setdefault(int(graph.mentor[e]), []).append(roster.mentees.ids[int(graph.mentee[e])])
    out = []
    for j in range(roster.mentors.n):
        out.append({
            "mentor_id": roster.mentors.ids[j], "mentor_name": roster.mentors.names[j],
            "capacity": int(roster.mentors.capacity[j]), "load": int(load[j]),
            "group_min": int(roster.mentors.group_min[j]) or None,
            "mentees": sorted(members.get(j, [])),
        })
    out.sort(key=lambda m: m["mentor_id"])
    return out


def summary_record(result, pairs, unmatched) -> dict:
    roster, graph = result.roster, result.graph
    by_form = {}
    for f, form in enumerate(roster.form_ids):
        bit = np.uint64(1) << np.uint64(f)
        in_form = int(np.count_nonzero(roster.mentees.forms & bit))
        by_form[form] = {"mentees": in_form, "matched": sum(1 for p in pairs if p["form"] == form)}
    matched_ids = {p["mentee_id"] for p in pairs}
    by_priority = {}
    for p in sorted({int(x) for x in roster.mentees.priority}):
        ids = [roster.mentees.ids[i] for i in np.flatnonzero(roster.mentees.priority == p)]
        by_priority[str(p)] = {"mentees": len(ids), "matched": sum(1 for x in ids if x in matched_ids)}
    return {
        "mentors": roster.mentors.n, "mentees": roster.mentees.n, "candidate_pairs": int(graph.n_edges),
        "pairs": len(pairs), "matched_mentees": len(matched_ids), "unmatched_mentees": len(unmatched),
        "total_score": _round(sum(p["score"] for p in pairs)),
        "by_form": by_form, "by_priority": by_priority,
    }


def result_document(result, *, extra: dict | None = None, input_files: list[str] | None = None,
                    warnings: list[dict] | None = None) -> dict:
    sol = result.solution
    pairs = pair_records(result)
    unmatched = unmatched_records(result)
    doc = {
        "format": "mentor-matcher/result",
        "format_version": 1,
        "package_version": __version__,
        "seed": result.seed,
        "program": {
            "name": result.config.program.name,
            "reference_date": result.roster.reference_date.isoformat(),
            "objective": result.config.program.objective,
            "one_mentor_per": result.config.program.one_mentor_per,
            "forms": {f: {"title_ru": result.config.form_title(f, "ru"), "title_en": result.config.form_title(f, "en")}
                      for f in result.roster.form_ids},
        },
        "input_files": [Path(f).name for f in (input_files or [])],
        "solver": {
            "engine_requested": result.engine, "engine": sol.engine, "status": sol.status,
            "proven_optimal": sol.status == "OPTIMAL", "proof": sol.proof,
            "objective": int(sol.objective), "bound": int(sol.bound), "gap": _round(sol.gap, 6),
            "levels": sol.levels,
            "objective_levels": sol.objective_def.names if sol.objective_def else [],
            "level_weights": [int(w) for w in sol.objective_def.weights] if sol.objective_def else [],
            "stopped_by_time_limit": bool(sol.stopped_by_time_limit),
            **_gap_record(sol),
        },
        "summary": summary_record(result, pairs, unmatched),
        "pairs": pairs,
        "unmatched": unmatched,
        "mentors": mentor_records(result),
        "locks": [{"mentee_id": result.roster.mentees.ids[lk.mentee], "mentor_id": result.roster.mentors.ids[lk.mentor],
                   "form": lk.form, "source": lk.source} for lk in result.locks],
        "input_warnings": warnings or [],
        "config": json.loads(result.config.model_dump_json()),
    }
    if extra:
        doc.update(extra)
    return doc



def _gap_record(sol) -> dict:
    """The unproven answer's distance to the optimum, level by level (objective.level_gaps):
    level_gaps {level: at most this much more} in mentees or pairs, the score in score units;
    score_gap_relative: the score's gap over its own total. And the score's resolution: the
    step in which the solver compared scores (finer than 1/SCORE_SCALE only if coarsened)."""
    obj = sol.objective_def
    divisor = int(getattr(obj, "score_divisor", 1)) if obj is not None else 1
    gaps = {}
    for name, gap in (sol.level_gaps or {}).items():
        gaps[name] = _round(gap * divisor / SCORE_SCALE, 6) if name == "score" else int(gap)
    score_total = int(sol.levels.get("score", 0)) if sol.levels else 0
    relative = (_round(sol.level_gaps["score"] / max(1, score_total), 6)
                if "score" in (sol.level_gaps or {}) else 0.0)
    return {
        "level_gaps": gaps,
        "score_gap_relative": relative,
        "score_resolution": {"step": divisor / SCORE_SCALE, "finest_step": 1 / SCORE_SCALE, "coarsened": divisor > 1,
                             "max_loss_per_pair": _round((divisor - 1) / SCORE_SCALE, 6)},
    }


def _pct(x: float, lang: str) -> str:
    text = f"{x:.1f}" if x >= 0.1 or x == 0 else f"{x:.2g}"
    return text.replace(".", ",") if lang == "ru" else text


def gap_text(solver: dict, lang: str) -> str:
    """The unproven answer's gap in words, level by level: "up to 1 more priority-1 mentee, up
    to 11 more pairs, score within 0.3 %" (levels that cannot gain are left out); the
    relative gap of the combined objective for documents without level gaps."""
    parts = []
    for name, gap in (solver.get("level_gaps") or {}).items():
        if not gap:
            continue
        if name.startswith("priority_"):
            parts.append(render(f"gap.priority.{plural(gap, lang)}", {"n": gap, "priority": name[len("priority_"):]},
                                lang))
        elif name == "matched":
            parts.append(render(f"gap.matched.{plural(gap, lang)}", {"n": gap}, lang))
        elif name == "score":
            parts.append(render("gap.score", {"pct": _pct(100 * float(solver.get("score_gap_relative") or 0), lang)},
                                lang))
    if not parts:
        return f"{_pct(100 * float(solver.get('gap') or 0), lang)} %"
    return ", ".join(parts)


def score_resolution_text(solver: dict, lang: str) -> str | None:
    """What a coarsened score costs, in words; None at full resolution."""
    res = solver.get("score_resolution") or {}
    if not res.get("coarsened"):
        return None
    return render("gap.score_resolution", {"step": f"{res['step']:g}", "finest": f"{res['finest_step']:g}"}, lang)


def reason_line(components: dict, lang: str, top: int = 3) -> str:
    """The pair's strongest components as one line for pairs.csv."""
    ranked = sorted(components.items(), key=lambda kv: (-kv[1]["contribution"], kv[0]))
    parts = []
    for name, c in ranked[:top]:
        if c["value"] <= 0:
            continue
        parts.append(render(c["reason"]["code"], c["reason"]["params"], lang))
    return "; ".join(parts)


def unmatched_line(u: dict, lang: str) -> str:
    params = dict(u["reason_params"])
    if "top_rule" in params:
        params["top_rule"] = render(f"rule_title.{params['top_rule']}", None, lang)
    return render(u["reason_code"], params, lang)


def write_outputs(doc: dict, out_dir: str | Path, lang: str = "en", headers: str = "en",
                  xlsx: bool = False) -> list[Path]:
    """Write pairs.csv, unmatched.csv, result.json (and pairs.xlsx), each atomically."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    def head(cols):
        return [render(f"header.{c}", None, "ru") for c in cols] if headers == "ru" else cols

    pair_rows = [[p["mentor_id"], p["mentor_name"], p["mentee_id"], p["mentee_name"], p["form"],
                  f"{p['score']:.3f}", reason_line(p["components"], lang)] for p in doc["pairs"]]
    un_rows = [[u["mentee_id"], u["mentee_name"], u["reason_code"], unmatched_line(u, lang)]
               for u in doc["unmatched"]]
    written = []
    atomic_write_bytes(out / "pairs.csv", csv_bytes(head(PAIR_COLUMNS), pair_rows, encoding="utf-8-sig"))
    written.append(out / "pairs.csv")
    atomic_write_bytes(out / "unmatched.csv", csv_bytes(head(UNMATCHED_COLUMNS), un_rows, encoding="utf-8-sig"))
    written.append(out / "unmatched.csv")
    # Indented for people on school-sized results; compact past that (a district's is tens of MB).
    if len(doc["pairs"]) <= 1000:
        text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    else:
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"
    atomic_write_bytes(out / "result.json", text.encode("utf-8"))
    written.append(out / "result.json")
    if xlsx:
        write_xlsx(out / "pairs.xlsx", {"pairs": (head(PAIR_COLUMNS), pair_rows),
                                        "unmatched": (head(UNMATCHED_COLUMNS), un_rows)})
        written.append(out / "pairs.xlsx")
    return written
