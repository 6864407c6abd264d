"""The library entry point: participants + configuration -> solved, explained result.

`matcher.match(...)` is what the CLI, batch runs and notebooks call.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .arrays import Roster, build_roster
from .config import ProgramConfig
from .conflicts import explain_conflicts
from .graph import CandidateGraph, build_graph
from .i18n import register
from .models import PairSpec, Participant
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


def match(participants: list[Participant], config: ProgramConfig, *, pair_specs: list[PairSpec] | None = None,
          engine: str = "auto", time_limit: float = 60.0, seed: int = 0, workers: int = 2,
          report: ProblemReport | None = None, flow_presolve: bool = True, deadline: float | None = None,
          explain: bool = False) -> MatchResult:
    """Build the candidate graph and solve. Unknown ids in locks raise InputRejected.

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
    t = time.perf_counter()
    graph = build_graph(roster, forbids)
    timings["graph"] = time.perf_counter() - t
    t = time.perf_counter()
    solve_deadline = t + SOLVE_SHARE * (deadline - t) if explain else deadline
    solution = solve(graph, locks, engine=engine, time_limit=max(0.0, deadline - t), seed=seed, workers=workers,
                     flow_presolve=flow_presolve, deadline=solve_deadline)
    if solution.status == "INFEASIBLE":
        # The clash reduced to minimal cores of locks, with the rules involved, by the solver's deadline.
        solution.conflict = explain_conflicts(graph, locks, solution.conflict, seed=seed, workers=workers,
                                              deadline=solve_deadline)
    timings["solve"] = time.perf_counter() - t
    return MatchResult(config, participants, roster, graph, solution, locks, seed, engine, timings, forbids,
                       deadline)
