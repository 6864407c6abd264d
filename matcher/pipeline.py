"""The library entry point: participants + configuration -> solved, explained result.

`matcher.run(...)` is one whole run, what `matcher match` and `matcher demo` call: match,
explain, write the output set. `matcher.match(...)` is its first step alone, for batch runs
and notebooks that want the solved result in memory.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .arrays import Roster, build_roster
from .config import ProgramConfig
from .conflicts import explain_conflicts
from .graph import CandidateGraph, build_graph
from .i18n import register
from .models import Exclusion, PairSpec, Participant
from .problems import ProblemReport
from .solve import Lock, Solution, solve

# Of the time limit, the share the solver may use when explanations follow (explain=True);
# the rest is theirs, plus whatever the solver leaves unused.
SOLVE_SHARE = 0.8

register({
    "lock.unknown_mentor": ("наставник с идентификатором «{value}» не найден", "no mentor with id '{value}'"),
    "lock.unknown_mentee": ("наставляемый с идентификатором «{value}» не найден", "no mentee with id '{value}'"),
    "lock.unknown_form": ("неизвестная форма «{value}»", "unknown form '{value}'"),
})


@dataclass
class MatchResult:
    config: ProgramConfig
    participants: list[Participant]
    roster: Roster
    graph: CandidateGraph
    solution: Solution
    locks: list[Lock]
    seed: int
    engine: str
    timings: dict[str, float] = field(default_factory=dict)
    forbids: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))  # [k, 2] mentee, mentor
    deadline: float | None = None  # time.perf_counter() value the whole run must end by (before writing)
    # Pairs the programme's history keeps out ([k, 2] mentee, mentor; not the consilium's
    # forbids) and each one's reason details (constraints rule "history").
    excluded: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    exclusion_reasons: dict[tuple[int, int], dict] = field(default_factory=dict)

    @property
    def chosen(self) -> np.ndarray:
        return self.solution.edges

    def matched_mentees(self) -> np.ndarray:
        return np.unique(self.graph.mentee[self.solution.edges])

    def unmatched_mentees(self) -> np.ndarray:
        matched = np.zeros(self.roster.mentees.n, dtype=bool)
        matched[self.graph.mentee[self.solution.edges]] = True
        return np.flatnonzero(~matched)


def resolve_pair_specs(roster: Roster, specs: list[PairSpec], report: ProblemReport
                       ) -> tuple[list[Lock], np.ndarray]:
    """Ids -> indices; unknown ids become problems (file, row, column)."""
    locks, forbids = [], []
    for s in specs:
        j = roster.mentors.index.get(s.mentor_id)
        i = roster.mentees.index.get(s.mentee_id)
        ok = True
        if j is None:
            report.add("lock.unknown_mentor", file=s.file, row=s.row, column="mentor_id", value=s.mentor_id)
            ok = False
        if i is None:
            report.add("lock.unknown_mentee", file=s.file, row=s.row, column="mentee_id", value=s.mentee_id)
            ok = False
        if s.form is not None and s.form not in roster.form_ids:
            report.add("lock.unknown_form", file=s.file, row=s.row, column="form", value=s.form)
            ok = False
        if not ok:
            continue
        if s.action == "forbid":
            forbids.append((i, j))
        else:
            locks.append(Lock(i, j, s.form, s.source))
    return locks, np.array(forbids, dtype=np.int64).reshape(-1, 2)


def resolve_exclusions(roster: Roster, exclusions: list[Exclusion], locks: list[Lock] = ()
                       ) -> tuple[np.ndarray, dict[tuple[int, int], dict]]:
    """Ids -> indices of the pairs to keep out, with their reasons; a pair naming someone not
    in this roster (left the programme, or in the other role now) is skipped, and so is a pair
    the consilium locks (its decision on this run wins over the history)."""
    locked = {(lk.mentee, lk.mentor) for lk in locks}
    reasons: dict[tuple[int, int], dict] = {}
    for x in exclusions:
        i, j = roster.mentees.index.get(x.mentee_id), roster.mentors.index.get(x.mentor_id)
        if i is not None and j is not None and (i, j) not in locked:
            reasons.setdefault((int(i), int(j)), dict(x.reason))
    pairs = np.array(sorted(reasons), dtype=np.int64).reshape(-1, 2)
    return pairs, reasons


def match(participants: list[Participant], config: ProgramConfig, *, pair_specs: list[PairSpec] | None = None,
          engine: str = "auto", time_limit: float = 60.0, seed: int = 0, workers: int = 2,
          report: ProblemReport | None = None, flow_presolve: bool = True, deadline: float | None = None,
          explain: bool = False, exclusions: list[Exclusion] | None = None) -> MatchResult:
    """Build the candidate graph and solve. Unknown ids in locks raise InputRejected.
    `exclusions`: pairs never to propose, each with its reason (the programme's history).

    `time_limit` is the budget of the whole run from this call (or `deadline`, an absolute
    time.perf_counter() value, when given): the solver stops by it, or by SOLVE_SHARE of it
    when `explain` says explanations follow; they get result.deadline."""
    from .problems import InputRejected

    timings = {}
    t = time.perf_counter()
    deadline = t + time_limit if deadline is None else deadline
    roster = build_roster(participants, config)
    timings["roster"] = time.perf_counter() - t
    report = report if report is not None else ProblemReport()
    locks, forbids = resolve_pair_specs(roster, list(pair_specs or []), report)
    if report.errors:
        raise InputRejected(report)
    excluded, reasons = resolve_exclusions(roster, list(exclusions or []), locks)
    t = time.perf_counter()
    graph = build_graph(roster, forbids, excluded_pairs=excluded)
    timings["graph"] = time.perf_counter() - t
    t = time.perf_counter()
    solve_deadline = t + SOLVE_SHARE * (deadline - t) if explain else deadline
    solution = solve_explained(graph, locks, engine=engine, seed=seed, workers=workers, deadline=deadline,
                               solve_deadline=solve_deadline, timings=timings, flow_presolve=flow_presolve)
    timings["solve"] = time.perf_counter() - t
    return MatchResult(config, participants, roster, graph, solution, locks, seed, engine, timings, forbids,
                       deadline, excluded, reasons)


def solve_explained(graph, locks: list[Lock], *, engine: str, seed: int, workers: int, deadline: float,
                    solve_deadline: float, timings: dict, flow_presolve: bool = True) -> Solution:
    """solve() by `solve_deadline` (the run's `deadline` bounds its time limit); an INFEASIBLE
    answer's clash reduced to minimal cores of locks, with the rules involved, by the same deadline."""
    solution = solve(graph, locks, engine=engine, time_limit=max(0.0, deadline - time.perf_counter()), seed=seed,
                     workers=workers, flow_presolve=flow_presolve, deadline=solve_deadline, timing=timings)
    if solution.status == "INFEASIBLE":
        solution.conflict = explain_conflicts(graph, locks, solution.conflict, seed=seed, workers=workers,
                                              deadline=solve_deadline)
    return solution


@dataclass
class RunResult:
    """What `run` did: the match, and when it ended with an assignment, the explained
    document (result.json's content) and the directory the output set was written to."""
    match: MatchResult
    document: dict | None = None
    out_dir: str | None = None  # as the caller named it
    order: str | None = None  # the order annex's file, as the caller named it, when one was asked for

    @property
    def status(self) -> str:  # OPTIMAL | FEASIBLE | INFEASIBLE | UNKNOWN
        return self.match.solution.status

    @property
    def written(self) -> bool:
        return self.document is not None


def run(participants, config: ProgramConfig, out, *, pair_specs: list[PairSpec] | None = None,
        engine: str = "auto", time_limit: float = 60.0, seed: int = 0, lang: str = "en", headers: str = "en",
        xlsx: bool = False, anonymize: bool = False, include_sensitive: bool = False,
        input_files: list[str] | None = None, warnings: list[dict] | None = None,
        on_stage: Callable[[str], None] | None = None, order=None,
        solve_step: Callable[..., MatchResult] | None = None,
        extend: Callable[[MatchResult, dict], dict[str, bytes]] | None = None,
        exclusions: list[Exclusion] | None = None) -> RunResult:
    """One run, as `matcher match` does it:

    1. match: the candidate graph and the solver, within `time_limit` seconds for solving
       and explanations together (the solver gets SOLVE_SHARE of it);
    2. when there is no assignment (INFEASIBLE, with its conflict explained; or UNKNOWN):
       return it, writing nothing;
    3. the result document with its explanations, by the same deadline;
    4. pairs.csv, unmatched.csv, result.json, report.html (and pairs.xlsx with `xlsx`)
       staged and swapped into `out` as one set;
    5. with `order` (a .docx or .xlsx path), the order's annex (matcher/order.py): inside `out`
       one file of the set, elsewhere written atomically on its own after it. Checked, like
       `out`, before the solve.

    `participants`: a list of Participant, or the Ingest from matcher.load (its files and
    warnings are then recorded unless `input_files` / `warnings` are given). `out`: a
    directory, or an io.outputset.OutputSet the caller prepared (and discards). `on_stage`
    hears "match", "explain" and "write" as each begins. `solve_step` takes `match`'s place
    (same arguments; `matcher rematch` solves against the previous round through it);
    `extend(result, doc)`, after the explanations, may add to the document and returns more
    files of the set by name (rematch: changes.csv). `exclusions`: pairs never to propose, with
    their reasons (matcher.history.carry; passed to the solve step only when given). Raises problems.InputRejected
    (unknown ids in locks), solve.EngineError (engine "flow" with side constraints),
    order.OrderFormatError (`order` is neither .docx nor .xlsx) and io.outputset.OutputError
    (`out` or `order` cannot be written)."""
    from .explain import add_explanations
    from .io.outputset import OutputSet
    from .order import order_bytes, order_target, write_alone
    from .report import render_report
    from .results import output_files, result_document

    if hasattr(participants, "participants"):  # an Ingest
        ingest = participants
        participants = ingest.participants
        input_files = ingest.files if input_files is None else input_files
        warnings = [p.to_dict(lang) for p in ingest.report.warnings] if warnings is None else warnings
    stage = on_stage or (lambda name: None)
    if isinstance(out, OutputSet):
        outputs, own = out, False
    else:
        outputs, own = OutputSet(out, inputs=list(input_files or [])).prepare(), True
    try:
        target = order_target(order, outputs.target, input_files or ()) if order is not None else None
        stage("match")
        # One deadline for everything after reading: solving, then explanations; writing comes after.
        deadline = time.perf_counter() + time_limit
        more = {"exclusions": exclusions} if exclusions else {}
        result = (solve_step or match)(participants, config, pair_specs=pair_specs, engine=engine,
                                       time_limit=time_limit, seed=seed, deadline=deadline, explain=True, **more)
        if result.solution.status in ("INFEASIBLE", "UNKNOWN"):
            return RunResult(result)
        stage("explain")
        doc = result_document(result, input_files=input_files, warnings=warnings)
        add_explanations(doc, result, deadline=result.deadline)
        more_files = extend(result, doc) if extend is not None else {}
        # What the budget could not hold (the roster and the candidate graph always run to the
        # end; so does the first flow): the CLI says so rather than hide it.
        result.timings["over_limit"] = max(0.0, time.perf_counter() - deadline)
        stage("write")
        sensitive = None
        if include_sensitive:
            sensitive = {p.id: dict(p.sensitive) for p in participants if p.sensitive}
        files = {**output_files(doc, lang=lang, headers=headers, xlsx=xlsx), **more_files}
        files["report.html"] = render_report(doc, lang, sensitive=sensitive, anonymize=anonymize).encode("utf-8")
        order_data = order_bytes(doc, target.path, lang) if target else None
        if target and target.in_set:
            files[target.name] = order_data
        for name, data in files.items():
            outputs.add(name, data)
        outputs.commit()
        if target and not target.in_set:
            write_alone(target, order_data)
        return RunResult(result, doc, outputs.shown, str(order) if target else None)
    finally:
        if own:
            outputs.discard()
