"""Solving: exact min-cost flow where the rules keep the problem a flow, CP-SAT otherwise.

`auto` solves the flow relaxation first (every rule except group minimums, the grade
spread inside groups, mutual mentoring and one-pair-once across forms). If its optimum
breaks none of those, it is optimal for the full model too — a relaxation's optimum that
is feasible is optimal — and no CP-SAT run is needed. Otherwise CP-SAT solves the full
model with the relaxed optimum as its hint and its value as an upper bound.

The pieces: `locks` (a lock's edge, the clashes a flow sees before solving, the flow with
locks fixed), `side` (the rules a flow cannot express, and the repair that obeys them),
`engine` (`solve()`, stage by stage). Nothing here explains a clash in words or imports
the explainer: an INFEASIBLE answer carries the raw clash for the caller to explain.
"""
from __future__ import annotations

from .engine import FLOW_COST_LIMIT, EngineError, Solution, solve
from .locks import Lock, edges_of_locks, flow_with_locks, precheck_locks
from .side import repair, side_constraints

__all__ = ["FLOW_COST_LIMIT", "EngineError", "Lock", "Solution", "edges_of_locks", "flow_with_locks",
           "precheck_locks", "repair", "side_constraints", "solve"]
