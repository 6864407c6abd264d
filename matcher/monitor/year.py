"""One programme year as the monitoring report reads it: the last recorded run's pairs with
their score components, its configuration, and the monitoring imported for the year."""
from __future__ import annotations

from dataclasses import dataclass

from ..history import History, HistoryError
from ..history.queries import monitoring, run_pairs, run_record, select_year


@dataclass
class MonitoredYear:
    programme: str
    year: str
    run_id: int
    run: dict          # history.queries.run_record: kind, recorded_at, config, anonymized, ...
    pairs: list[dict]  # history.queries.run_pairs
    stages: dict       # history.queries.monitoring: stage -> import and per-pair rows

    def stage_entry(self, stage: str, pair: dict) -> dict | None:
        return (self.stages.get(stage) or {}).get("pairs", {}).get((pair["mentee_id"], pair["mentor_id"]))

    def unknown_rows(self) -> int:
        """Monitoring rows that name no pair of the run (the importer refuses them; kept count
        of for histories written otherwise)."""
        known = {(p["mentee_id"], p["mentor_id"]) for p in self.pairs}
        return sum(key not in known for s in self.stages.values() for key in s["pairs"])


def load_year(history_path, programme: str | None = None, year: str | None = None) -> MonitoredYear:
    """The programme's year (the only programme and the latest monitored year unless named).
    HistoryError when the history cannot be read, lacks the programme or year, or holds no
    monitoring for it."""
    with History.open(history_path) as history:
        programme, year, run_id = select_year(history, programme, year, monitored=True)
        stages = monitoring(history, programme, year)
        if not stages:
            raise HistoryError("history.year.no_monitoring", {"programme": programme, "year": year}, history.path)
        return MonitoredYear(programme, year, run_id, run_record(history, run_id), run_pairs(history, run_id), stages)
