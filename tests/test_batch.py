"""`matcher batch`: a district's programmes in one run.

Every valid programme's folder must hold byte for byte what `matcher match` writes for it
alone; every broken one is listed with its file:row problems and the others go on; the Dask
path gives what the local processes give; a re-run skips what did not change."""
from __future__ import annotations

import concurrent.futures as cf
import csv
import io
import json
import shutil
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from click.testing import CliRunner

from matcher.batch import DaskExecutor, LocalExecutor, RunOptions, find_programmes, run_batch, run_programme
from matcher.batch.discover import Programme, safe_folder_name
from matcher.batch.runner import run_all
from matcher.batch.terminal import ProgressDisplay
from matcher.batch.worker import FAILED, OPTIMAL, Outcome, write_outputs
from matcher.cli import main
from matcher.io.writers import participant_table, write_csv
from matcher.sample import generate_school, write_sample

OPTIONS = RunOptions(lang="ru")
MATCH_ARGS = ["--lang", "ru", "-q"]


class InlineExecutor:
    """Runs each programme in this process, one by one: the executor contract without processes."""

    crash_errors = ()
    window = 1

    def __init__(self):
        self.ran: list[str] = []

    def submit(self, fn, *args):
        self.ran.append(args[0].name)
        future = cf.Future()
        future.set_result(fn(*args))
        return future

    def restart(self):
        pass

    def close(self):
        pass


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh, delimiter=";"))
    return table[0], table[1:]


def _write_rows(path: Path, headers: list[str], rows: list[list[str]]) -> None:
    write_csv(path, headers, rows, encoding="utf-8-sig", delimiter=";")


def break_a_grade(mentees: Path) -> int:
    """Set the first student's class to 12Б (outside 1–11); returns that row as a spreadsheet numbers it."""
    headers, rows = _rows(mentees)
    col = headers.index("Класс")
    k = next(k for k, row in enumerate(rows) if row[col])
    rows[k][col] = "12Б"
    _write_rows(mentees, headers, rows)
    return k + 2


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> dict:
    """Valid programmes in a folder each, one with its own configuration, one given by file-name
    prefixes; broken ones: a bad cell, one side missing, an invalid configuration."""
    root = tmp_path_factory.mktemp("district") / "district"
    write_sample(root / "school_a", n_mentees=14, seed=1)
    write_sample(root / "school_b", n_mentees=16, seed=2)
    (root / "school_b" / "config.toml").write_text('[program]\nname = "Школа Б"\n\n[weights]\ninterests = 3.0\n',
                                                   encoding="utf-8")
    files = write_sample(root / ".staging_c", n_mentees=12, seed=3)
    for f in files:
        f.rename(root / f"school_c_{f.name}")
    (root / ".staging_c").rmdir()
    write_sample(root / "school_d", n_mentees=12, seed=4)
    bad_row = break_a_grade(root / "school_d" / "mentees.csv")
    write_sample(root / "school_e", n_mentees=12, seed=5)
    (root / "school_e" / "mentees.csv").unlink()
    write_sample(root / "school_f", n_mentees=12, seed=6)
    (root / "school_f" / "config.toml").write_text("[weights]\ninterests = -1\n", encoding="utf-8")
    return {"root": root, "bad_row": bad_row, "valid": {
        "school_a": (root / "school_a" / "mentors.csv", root / "school_a" / "mentees.csv", None),
        "school_b": (root / "school_b" / "mentors.csv", root / "school_b" / "mentees.csv",
                     root / "school_b" / "config.toml"),
        "school_c": (root / "school_c_mentors.csv", root / "school_c_mentees.csv", None)}}


@pytest.fixture(scope="module")
def local_run(district, tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "out"
    return run_batch(district["root"], out, options=OPTIONS, executor=LocalExecutor(2))


def _records(result) -> dict[str, dict]:
    return {r["name"]: r for r in result.records}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_valid_programme_writes_what_matcher_match_writes_for_it_alone(district, local_run, tmp_path):
    records = _records(local_run)
    for name, (mentors, mentees, config) in district["valid"].items():
        assert records[name]["status"] == OPTIMAL, records[name]
        alone = tmp_path / name
        args = ["match", "--mentors", str(mentors), "--mentees", str(mentees), "--out", str(alone), *MATCH_ARGS]
        run = CliRunner().invoke(main, args + (["--config", str(config)] if config else []))
        assert run.exit_code == 0, run.output
        batch_files = _files(local_run.out_dir / records[name]["folder"])
        assert "report.html" in batch_files and "manifest.json" in batch_files
        assert batch_files == _files(alone), name


def test_a_programmes_own_configuration_is_used(local_run):
    doc = json.loads((local_run.out_dir / "school_b" / "result.json").read_text(encoding="utf-8"))
    assert doc["program"]["name"] == "Школа Б" and doc["config"]["weights"]["interests"] == 3.0
    other = json.loads((local_run.out_dir / "school_a" / "result.json").read_text(encoding="utf-8"))
    assert other["config"]["weights"]["interests"] == 1.0


def test_every_broken_programme_is_listed_with_its_problems_and_the_rest_are_done(district, local_run):
    root, records = district["root"], _records(local_run)
    assert {n for n, r in records.items() if r["status"] == "rejected"} == {"school_d", "school_e", "school_f"}
    assert any(line.startswith(f"{root / 'school_d' / 'mentees.csv'}:{district['bad_row']}:Класс:")
               for line in records["school_d"]["problems"])
    assert any(line.startswith(str(root / "school_e" / "mentors.csv")) and "mentees.csv" in line
               for line in records["school_e"]["problems"])
    assert any(line.startswith(str(root / "school_f" / "config.toml")) for line in records["school_f"]["problems"])
    for name in ("school_d", "school_e", "school_f"):
        assert not (local_run.out_dir / name).exists()  # nothing written for a rejected programme
    summary = list(csv.DictReader(io.StringIO((local_run.out_dir / "summary.csv").read_text(encoding="utf-8-sig"))))
    by_name = {row["programme"]: row for row in summary}
    assert set(by_name) == set(records)
    assert f":{district['bad_row']}:Класс:" in by_name["school_d"]["problems"]
    html = (local_run.out_dir / "summary.html").read_text(encoding="utf-8")
    assert f"{root / 'school_d' / 'mentees.csv'}:{district['bad_row']}:Класс:" in html


def test_summary_counts_each_programmes_mentees_and_unpaired_by_reason(local_run):
    for row in csv.DictReader(io.StringIO((local_run.out_dir / "summary.csv").read_text(encoding="utf-8-sig"))):
        if row["status"] != "готово, оптимум доказан":
            continue
        doc = json.loads((local_run.out_dir / row["folder"] / "result.json").read_text(encoding="utf-8"))
        assert int(row["mentees"]) == len({p["mentee_id"] for p in doc["pairs"]} | {u["mentee_id"] for u in
                                                                                    doc["unmatched"]})
        assert int(row["mentees paired"]) == len({p["mentee_id"] for p in doc["pairs"]})
        by_reason = sum(int(v) for k, v in row.items() if k.startswith("unpaired: "))
        assert by_reason == int(row["unpaired"]) == len(doc["unmatched"])


@pytest.mark.parametrize("shares_disk", [False, True], ids=["outputs-sent-back", "written-by-workers"])
def test_the_dask_path_gives_what_the_local_processes_give(district, local_run, tmp_path, shares_disk):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(processes=False, n_workers=1, threads_per_worker=2,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        executor = DaskExecutor(client=client, shares_disk=shares_disk)
        result = run_batch(district["root"], tmp_path / "out", options=OPTIONS, executor=executor)
    def same(r):  # what may differ: the time taken and the worker's memory
        return {k: v for k, v in r.items() if k not in ("seconds", "peak_mb")}

    assert [same(r) for r in result.records] == [same(r) for r in local_run.records]
    for record in result.records:
        if record["status"] == OPTIMAL:
            assert _files(tmp_path / "out" / record["folder"]) == _files(local_run.out_dir / record["folder"])


def test_the_command_exits_5_when_some_programmes_were_not_done_and_0_when_all_were(district, tmp_path):
    run = CliRunner().invoke(main, ["batch", str(district["root"]), "--out", str(tmp_path / "all"), "--workers", "1",
                                    "--lang", "en"])
    assert run.exit_code == 5, run.output
    assert "school_d: input rejected" in run.stdout and f":{district['bad_row']}:Класс:" in run.stdout
    good = tmp_path / "good"
    for name in ("school_a", "school_b"):
        shutil.copytree(district["root"] / name, good / name)
    run = CliRunner().invoke(main, ["batch", str(good), "--out", str(tmp_path / "good-out"), "--workers", "1",
                                    "--lang", "en"])
    assert run.exit_code == 0, run.output
    # not a terminal: one plain progress line per programme
    assert sum(line.startswith("[") and "school_" in line for line in run.stderr.splitlines()) == 2


def test_the_exit_codes_are_in_the_help_and_the_readme():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "5 some programmes not done" in " ".join(main.commands["batch"].help.split())
    assert "## District batch" in readme and "`matcher batch" in readme and "exit 5" in readme


# --- re-runs ---------------------------------------------------------------------------------------

@pytest.fixture
def small_district(tmp_path) -> Path:
    root = tmp_path / "district"
    for k, name in enumerate(("one", "two", "three")):
        write_sample(root / name, n_mentees=10, seed=20 + k)
    return root


def test_a_rerun_skips_programmes_whose_inputs_and_configuration_did_not_change(small_district, tmp_path):
    out = tmp_path / "out"
    first = InlineExecutor()
    run_batch(small_district, out, options=OPTIONS, executor=first)
    assert sorted(first.ran) == ["one", "three", "two"]
    kept = {name: (out / name / "result.json").stat().st_ino for name in first.ran}

    again = InlineExecutor()
    result = run_batch(small_district, out, options=OPTIONS, executor=again)
    assert again.ran == [] and result.reused == 3 and result.all_done
    assert {name: (out / name / "result.json").stat().st_ino for name in kept} == kept  # not rewritten

    headers, rows = _rows(small_district / "two" / "mentees.csv")
    _write_rows(small_district / "two" / "mentees.csv", headers, rows[:-1])
    (small_district / "three" / "config.toml").write_text("[weights]\nneeds = 2.0\n", encoding="utf-8")
    changed = InlineExecutor()
    run_batch(small_district, out, options=OPTIONS, executor=changed)
    assert sorted(changed.ran) == ["three", "two"]

    forced = InlineExecutor()
    run_batch(small_district, out, options=OPTIONS, executor=forced, force=True)
    assert sorted(forced.ran) == ["one", "three", "two"]


def test_a_rerun_runs_a_programme_whose_outputs_were_changed_or_whose_options_differ(small_district, tmp_path):
    out = tmp_path / "out"
    run_batch(small_district, out, options=OPTIONS, executor=InlineExecutor())
    (out / "one" / "pairs.csv").write_text("edited", encoding="utf-8")
    rerun = InlineExecutor()
    run_batch(small_district, out, options=OPTIONS, executor=rerun)
    assert rerun.ran == ["one"]
    other_options = InlineExecutor()
    run_batch(small_district, out, options=RunOptions(lang="ru", seed=3), executor=other_options)
    assert sorted(other_options.ran) == ["one", "three", "two"]


def test_out_inside_the_input_folder_is_refused(small_district):
    run = CliRunner().invoke(main, ["batch", str(small_district), "--out", str(small_district / "results"),
                                    "--lang", "en"])
    assert run.exit_code == 4 and "inside the questionnaires' folder" in run.stderr


def test_a_folder_without_programmes_is_rejected(tmp_path):
    (tmp_path / "empty").mkdir()
    run = CliRunner().invoke(main, ["batch", str(tmp_path / "empty"), "--out", str(tmp_path / "out"), "--lang", "en"])
    assert run.exit_code == 1 and "no programme found" in run.stderr


# --- one district file with a programme column -------------------------------------------------------

HOSTILE = '<img src=x onerror="alert(1)">Школа'


def district_file(path: Path, names: list[str], n_mentees: int = 10, header: str = "Школа") -> list[list]:
    """One participants file (Russian headers, a role column) of several schools, told apart by
    the `header` column; returns its rows by programme, in file order."""
    people = []
    for k, name in enumerate(names):
        people += [p.model_copy(update={"program": name}) for p in generate_school(n_mentees, seed=40 + k)]
    headers, rows = participant_table(people, lang="ru")
    headers[headers.index("Программа")] = header
    _write_rows(path, headers, rows)
    return headers, rows


def test_a_district_file_is_split_by_its_programme_column(tmp_path):
    headers, rows = district_file(tmp_path / "district.csv", ["Школа №1", "Лицей «Вектор»"])
    result = run_batch(tmp_path / "district.csv", tmp_path / "out", options=OPTIONS, executor=InlineExecutor())
    assert [(r["name"], r["status"]) for r in result.records] == [("Лицей «Вектор»", OPTIMAL), ("Школа №1", OPTIMAL)]
    col = headers.index("Школа")
    for record in result.records:
        alone = tmp_path / f"{record['folder']}.csv"
        _write_rows(alone, headers, [row for row in rows if row[col] == record["name"]])
        run = CliRunner().invoke(main, ["match", "--participants", str(alone), "--out", str(tmp_path / "m"),
                                        *MATCH_ARGS])
        assert run.exit_code == 0, run.output
        for name in ("pairs.csv", "unmatched.csv"):
            assert (tmp_path / "out" / record["folder"] / name).read_bytes() == (tmp_path / "m" / name).read_bytes()


def test_rows_keep_their_district_file_row_numbers_and_a_row_without_programme_is_reported(tmp_path):
    headers, rows = district_file(tmp_path / "district.csv", ["A", "B"])
    grade, school = headers.index("Класс"), headers.index("Школа")
    bad = next(k for k, row in enumerate(rows) if row[school] == "B" and row[grade])
    rows[bad][grade] = "12Б"
    orphan = 3  # a row no school claims, among school A's rows
    rows.insert(orphan, [*rows[orphan][:school], "", *rows[orphan][school + 1:]])
    rows[orphan][headers.index("Идентификатор")] = "X999"
    bad += bad >= orphan
    _write_rows(tmp_path / "district.csv", headers, rows)
    result = run_batch(tmp_path / "district.csv", tmp_path / "out", options=OPTIONS, executor=InlineExecutor())
    records = _records(result)
    assert records["A"]["status"] == OPTIMAL and records["B"]["status"] == "rejected"
    assert any(line.startswith(f"{tmp_path / 'district.csv'}:{bad + 2}:Класс:") for line in records["B"]["problems"])
    assert [line.split(": ")[0] for line in result.problems] == [f"{tmp_path / 'district.csv'}:{orphan + 2}:Школа"]
    assert not result.all_done


def test_a_district_file_without_a_programme_column_is_rejected(tmp_path):
    write_sample(tmp_path, n_mentees=8, seed=1)
    run = CliRunner().invoke(main, ["batch", str(tmp_path / "mentees.csv"), "--out", str(tmp_path / "out"),
                                    "--lang", "ru"])
    assert run.exit_code == 1 and "нет столбца программы" in run.stderr and "Программа" in run.stderr


def test_summary_csv_has_russian_headers_and_neutralised_formulas(tmp_path):
    district_file(tmp_path / "district.csv", ["=HYPERLINK(\"http://x\")", "B"], n_mentees=8)
    run_batch(tmp_path / "district.csv", tmp_path / "out", options=RunOptions(lang="ru", headers="ru"),
              executor=InlineExecutor())
    rows = list(csv.reader(io.StringIO((tmp_path / "out" / "summary.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["программа", "папка", "статус"] and "без пары: нет подходящего наставника" in rows[0]
    assert sorted(row[0] for row in rows[1:]) == ["'=HYPERLINK(\"http://x\")", "B"]


# --- programmes found in a folder -------------------------------------------------------------------

def _touch(path: Path, text: str = "id\n") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_programmes_are_found_by_folder_and_by_file_name_prefix(tmp_path):
    for name in ("school_12_mentors.csv", "school_12_mentees.csv", "школа-5_наставники.xlsx",
                 "школа-5_наставляемые.xlsx", "лицей.csv", "config.toml", "notes.txt.bak", ".hidden_mentors.csv",
                 "g7/Mentors.CSV", "g7/mentees.csv", "g7/config.toml", "g7/decisions.csv", "docs/notes.pdf"):
        _touch(tmp_path / name)
    found = find_programmes(tmp_path)
    by_name = {p.name: p for p in found.programmes}
    assert sorted(by_name) == ["g7", "school_12", "лицей", "школа-5"]
    assert Path(by_name["school_12"].mentors).name == "school_12_mentors.csv"
    assert Path(by_name["школа-5"].mentees).name == "школа-5_наставляемые.xlsx"
    assert Path(by_name["лицей"].participants).name == "лицей.csv"
    g7 = by_name["g7"]
    assert (Path(g7.mentors).name, Path(g7.config).name, Path(g7.locks).name) == ("Mentors.CSV", "config.toml",
                                                                                   "decisions.csv")
    assert Path(by_name["лицей"].config) == tmp_path / "config.toml"  # the folder's own serves the others
    assert all(not p.problems for p in found.programmes)


def test_a_programme_the_files_leave_unclear_is_rejected_before_it_runs(tmp_path):
    for name in ("a/one.csv", "a/two.csv", "b/mentors.csv", "b/наставники.csv", "b/mentees.csv", "c/mentees.csv",
                 "d/mentors.csv", "d/mentees.csv", "d_mentors.csv", "d_mentees.csv"):
        _touch(tmp_path / name)
    found = {p.name: p for p in find_programmes(tmp_path).programmes}
    assert {name: [x.code for x in p.problems] for name, p in found.items()} == {
        "a": ["batch.which_table"], "b": ["batch.two_files"], "c": ["batch.no_mentors"],
        "d": ["batch.folder_and_files"]}
    outcome = run_programme(found["a"], OPTIONS)
    assert outcome.status == "rejected" and "one.csv, two.csv" in outcome.problems[0]


def test_output_folders_are_safe_and_unique_names():
    assert safe_folder_name("../../etc/passwd") == "etc_passwd"
    assert safe_folder_name('<img src=x onerror="alert(1)">') == "img_src_x_onerror_alert_1"
    assert safe_folder_name("Школа №5 (г. Тула)") == "Школа_5_г._Тула"
    assert safe_folder_name("...") == "programme"
    from matcher.batch.discover import _assign_folders

    programmes = [Programme(n) for n in ("School 1", "school_1", "summary.csv", "A")]
    _assign_folders(programmes)
    assert [p.folder for p in programmes] == ["School_1", "school_1-2", "summary.csv-2", "A"]


# --- failures that are not the input's -----------------------------------------------------------------

def test_a_crash_in_a_programme_is_its_outcome_not_the_batchs(tmp_path):
    crashing = Programme("broken", "broken", participants=str(tmp_path / "x.csv"), tables=[object()])
    outcome = run_programme(crashing, OPTIONS)
    assert outcome.status == FAILED and "AttributeError" in outcome.notes[0]


class PoisonedPool:
    """Programmes run `window` at a time (a programme handed out again runs alone); the pool
    breaks, failing everything it was running, whenever `poison` is among them."""

    crash_errors = (BrokenProcessPool,)
    window = 3

    def __init__(self, poison: str, last: str):
        self.poison, self.last, self.seen, self.running, self.restarts = poison, last, set(), [], 0

    def submit(self, fn, programme, options):
        future = cf.Future()
        self.running.append((programme, future))
        again = programme.name in self.seen
        self.seen.add(programme.name)
        if again or len(self.running) == self.window or programme.name == self.last:
            broken = any(p.name == self.poison for p, _ in self.running)
            for p, f in self.running:
                if broken:
                    f.set_exception(BrokenProcessPool("a worker died"))
                else:
                    f.set_result(Outcome(p.name, p.folder, OPTIMAL))
            self.running = []
        return future

    def restart(self):
        self.restarts += 1


class ChunkedCluster:
    """A cluster that takes programmes `chunk` at a time, and loses its worker (an exception
    from the task, as Dask's KilledWorker) on any task holding `poison`."""

    crash_errors = ()
    window = 2

    def __init__(self, chunk: int, poison: str):
        self.chunk, self.poison, self.tasks = chunk, poison, []

    def submit(self, fn, first, options):
        task = list(first) if isinstance(first, tuple) else [first]
        self.tasks.append([p.name for p in task])
        future = cf.Future()
        if any(p.name == self.poison for p in task):
            future.set_exception(RuntimeError("worker lost"))
        else:  # what the worker function gives: a list for a chunk, an Outcome for one programme
            outcomes = [Outcome(p.name, p.folder, OPTIMAL) for p in task]
            future.set_result(outcomes if isinstance(first, tuple) else outcomes[0])
        return future


def test_programmes_go_in_chunks_and_a_lost_chunk_is_run_again_one_programme_at_a_time():
    names = [f"p{k}" for k in range(13)]
    cluster = ChunkedCluster(3, "p4")
    outcomes = {}
    run_all(cluster, [Programme(n, n) for n in names], OPTIONS, lambda p, o: outcomes.setdefault(p.name, []).append(o))
    assert sorted(outcomes) == sorted(names) and all(len(o) == 1 for o in outcomes.values())  # each once
    assert {n: o[0].status for n, o in outcomes.items()} == {n: FAILED if n == "p4" else OPTIMAL for n in names}
    assert "worker lost" in outcomes["p4"][0].notes[0]
    assert cluster.tasks[:2] == [["p0", "p1", "p2"], ["p3", "p4", "p5"]]
    # the lost chunk's programmes, each alone, before any other chunk
    assert cluster.tasks[2:5] == [["p3"], ["p4"], ["p5"]]
    # a batch too small to give every worker whole chunks is not chunked
    small = ChunkedCluster(3, "none")
    run_all(small, [Programme(n, n) for n in names[:3]], OPTIONS, lambda p, o: None)
    assert small.tasks == [["p0"], ["p1"], ["p2"]]


@pytest.mark.parametrize("shares_disk", [False, True])
def test_outputs_are_written_by_the_worker_only_where_it_sees_the_out_folder(district, local_run, tmp_path,
                                                                              shares_disk):
    class Executor(InlineExecutor):
        pass

    Executor.shares_disk = shares_disk
    came_back = {}
    programmes = [p for p in find_programmes(district["root"]).programmes if p.name in ("school_a", "school_c")]
    out = tmp_path / "out"
    out.mkdir()

    def finished(programme, outcome):
        came_back[programme.name] = outcome.files is not None
        if outcome.files is not None:  # what the batch does with what comes back
            write_outputs(out, programme, outcome, "ru")

    run_all(Executor(), programmes, OPTIONS, finished, out if shares_disk else None)
    assert came_back == {"school_a": not shares_disk, "school_c": not shares_disk}
    for programme in programmes:  # the same set either way, as `matcher match` writes it
        assert _files(out / programme.folder) == _files(local_run.out_dir / programme.folder)


def test_a_worker_that_dies_fails_only_the_programme_that_killed_it():
    names = ["a", "b", "poison", "c", "d", "e"]
    pool = PoisonedPool("poison", "e")
    outcomes = {}
    run_all(pool, [Programme(n, n) for n in names], OPTIONS, lambda p, o: outcomes.__setitem__(p.name, o))
    assert {n: o.status for n, o in outcomes.items()} == {n: FAILED if n == "poison" else OPTIMAL for n in names}
    assert "процесс" in outcomes["poison"].notes[0] and pool.restarts >= 1


# --- the terminal -----------------------------------------------------------------------------------

def test_progress_is_a_bar_with_eta_on_a_terminal_and_plain_lines_elsewhere():
    from matcher.batch.runner import Progress

    record = {"name": "school_7", "status": OPTIMAL, "seconds": 1.25}
    tty, log = io.StringIO(), io.StringIO()
    for stream, is_tty in ((tty, True), (log, False)):
        display = ProgressDisplay(stream, "ru", tty=is_tty)
        display(Progress(4, 1, 1, 0, 0.0))
        display(Progress(4, 3, 1, 1, 20.0, record, first=10.0))  # 2 run: 10 s for the second, 1 left
        display(Progress(4, 4, 1, 1, 30.0, record, first=10.0))
        display.close()
    assert "█" in tty.getvalue() and "\r" in tty.getvalue() and "осталось ≈0:10" in tty.getvalue()
    assert "не выполнено: 1" in tty.getvalue() and tty.getvalue().endswith("\n")
    lines = log.getvalue().splitlines()
    assert lines[1] == "[3/4] school_7: готово, оптимум доказан (1,2 с); осталось ≈0:10"
    assert "\r" not in log.getvalue()


def test_the_batch_sits_above_one_run_and_below_the_cli():
    from test_architecture import import_graph

    graph = import_graph()
    below = sorted(m for m, targets in graph.items() if not m.startswith("matcher.batch") and m != "matcher.cli"
                   and any(t.startswith("matcher.batch") for t in targets))
    assert below == [], f"imports the batch from below it: {below}"
    assert not any("matcher.cli" in targets for m, targets in graph.items() if m.startswith("matcher.batch"))


def test_an_out_directory_holding_other_files_is_refused_and_left_alone(small_district, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "summary.csv").write_text("my own", encoding="utf-8")
    run = CliRunner().invoke(main, ["batch", str(small_district), "--out", str(out), "--lang", "en"])
    assert run.exit_code == 4 and "summary.csv" in run.stderr
    assert [p.name for p in out.iterdir()] == ["summary.csv"] and (out / "summary.csv").read_text() == "my own"


@pytest.mark.parametrize("shared_out", [False, True], ids=["outputs-sent-back", "shared-out"])
def test_the_command_runs_on_a_dask_scheduler_given_by_its_address(small_district, tmp_path, monkeypatch, shared_out):
    distributed = pytest.importorskip("distributed")
    import matcher.batch.runner as runner

    run_batch(small_district, tmp_path / "inline", options=OPTIONS, executor=InlineExecutor())
    written_here = []  # programmes whose results came back and were written by the batch process
    monkeypatch.setattr(runner, "write_outputs", lambda out, programme, *a: written_here.append(programme.name)
                        or write_outputs(out, programme, *a))
    with distributed.LocalCluster(processes=False, n_workers=1, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        run = CliRunner().invoke(main, ["batch", str(small_district), "--out", str(tmp_path / "dask"), "--executor",
                                        "dask", "--scheduler", cluster.scheduler_address, "--lang", "ru", "-q"]
                                 + (["--shared-out"] if shared_out else []))
    assert run.exit_code == 0, run.output
    for name in ("one", "two", "three"):
        assert _files(tmp_path / "dask" / name) == _files(tmp_path / "inline" / name)
    assert sorted(written_here) == ([] if shared_out else ["one", "three", "two"])


@pytest.mark.parametrize("args", [[], ["--executor", "dask"]], ids=["local", "local-dask"])
def test_shared_out_without_a_scheduler_is_a_usage_error(small_district, tmp_path, args):
    run = CliRunner().invoke(main, ["batch", str(small_district), "--out", str(tmp_path / "out"), "--shared-out",
                                    "--lang", "ru", *args])
    assert run.exit_code == 2
    assert "--shared-out ставится вместе с --executor dask --scheduler" in run.stderr
    assert not (tmp_path / "out").exists()


def test_a_dask_cluster_runs_chunks_of_programmes_with_the_same_outcomes(district):
    distributed = pytest.importorskip("distributed")
    programmes = find_programmes(district["root"]).programmes
    alone = {p.name: run_programme(p, OPTIONS) for p in programmes}
    got = []
    with distributed.LocalCluster(processes=False, n_workers=1, threads_per_worker=1,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        executor = DaskExecutor(client=client)
        assert executor.chunk > 1 and executor.window == 2
        run_all(executor, programmes * 4, OPTIONS, lambda p, o: got.append((p.name, o)))
    assert sorted(name for name, _ in got) == sorted(p.name for p in programmes * 4)
    for name, outcome in got:
        assert (outcome.status, outcome.numbers, outcome.files) == (alone[name].status, alone[name].numbers,
                                                                    alone[name].files)
