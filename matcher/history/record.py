"""A run of `matcher match` / `matcher rematch` kept in the programme history, from what the
run wrote: its result document, the sha256 of result.json as written, its input files'
names and hashes (names only, never paths). With `anonymize`, ids only: no names."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from ..i18n import register
from .store import History, HistoryError, sha256_file

register({
    "history.recorded": ("Запуск записан в историю программы: {file} («{programme}», {year} учебный год, запуск № {run})",
                         "Run recorded in the programme history: {file} ('{programme}', school year {year}, "
                         "run {run})"),
    "history.write_failed": ("запись не удалась: {error}", "cannot write: {error}"),
    "history.record_failed": ("{path}: запуск не записан в историю программы ({error}); результаты в {out} записаны",
                              "{path}: the run was not recorded in the programme history ({error}); the results "
                              "in {out} are written"),
})


def input_hashes(paths) -> dict[str, str]:
    """File name -> sha256 of each input file given (None and folders skipped); a name met
    twice (two folders' mentees.csv) is told apart by its position: 'mentees.csv (2)'."""
    out: dict[str, str] = {}
    for path in paths:
        if path is None or not Path(path).is_file():
            continue
        name, n = Path(path).name, 1
        while name in out:
            n += 1
            name = f"{Path(path).name} ({n})"
        out[name] = sha256_file(path)
    return out


def record_outputs(history: History, done, *, kind: str, year: str | None = None, inputs=(),
                   anonymize: bool = False) -> int:
    """Records `done` (pipeline.RunResult of a run whose outputs are written) and returns the
    run's id. `inputs`: the paths of every file the run read."""
    if not done.written:
        raise ValueError("the run wrote no outputs: there is nothing to record")
    try:
        result_json = Path(done.out_dir) / "result.json"
        return history.record_run(done.document, kind=kind, year=year, input_hashes=input_hashes(inputs),
                                  result_sha256=sha256_file(result_json), anonymize=anonymize)
    except (sqlite3.Error, OSError) as exc:  # the transaction is rolled back: the file is as it was
        raise HistoryError("history.write_failed", {"error": str(exc)}, history.path) from None
