"""Result documents and output files: pairs.csv, unmatched.csv, result.json (+ pairs.xlsx).

result.json is deterministic for the same input, configuration and seed: no timestamps
and no wall times in it (the CLI prints those), sorted iteration everywhere.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from . import __version__, constraints, scoring
from .i18n import register, render
from .io.outputset import OutputSet
from .io.writers import csv_bytes, xlsx_bytes
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


def output_files(doc: dict, lang: str = "en", headers: str = "en", xlsx: bool = False) -> dict[str, bytes]:
    """The bytes of pairs.csv, unmatched.csv, result.json (and pairs.xlsx), by file name."""

    def head(cols):
        return [render(f"header.{c}", None, "ru") for c in cols] if headers == "ru" else cols

    pair_rows = [[p["mentor_id"], p["mentor_name"], p["mentee_id"], p["mentee_name"], p["form"],
                  f"{p['score']:.3f}", reason_line(p["components"], lang)] for p in doc["pairs"]]
    un_rows = [[u["mentee_id"], u["mentee_name"], u["reason_code"], unmatched_line(u, lang)]
               for u in doc["unmatched"]]
    files = {
        "pairs.csv": csv_bytes(head(PAIR_COLUMNS), pair_rows, encoding="utf-8-sig"),
        "unmatched.csv": csv_bytes(head(UNMATCHED_COLUMNS), un_rows, encoding="utf-8-sig"),
    }
    # Indented for people on school-sized results; compact past that (a district's is tens of MB).
    if len(doc["pairs"]) <= 1000:
        text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    else:
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"
    files["result.json"] = text.encode("utf-8")
    if xlsx:
        files["pairs.xlsx"] = xlsx_bytes({"pairs": (head(PAIR_COLUMNS), pair_rows),
                                          "unmatched": (head(UNMATCHED_COLUMNS), un_rows)})
    return files


def write_outputs(doc: dict, out_dir: str | Path, lang: str = "en", headers: str = "en",
                  xlsx: bool = False) -> list[Path]:
    """Write pairs.csv, unmatched.csv, result.json (and pairs.xlsx) with their manifest.json,
    replacing out_dir's previous set as a whole (io/outputset.py); OutputError when it cannot."""
    files = output_files(doc, lang=lang, headers=headers, xlsx=xlsx)
    with OutputSet(out_dir) as outputs:
        for name, data in files.items():
            outputs.add(name, data)
        out = outputs.commit()
    return [out / name for name in files]
