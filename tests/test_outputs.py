"""Where the outputs go: a bad --out is refused before the solve (exit 4, no traceback); the
set of outputs is replaced as a whole, whatever the moment a run dies; `matcher explain`
refuses a folder whose files do not come from one run.

Tests run as root in CI, where permission bits stop nothing: an unwritable place is a path
under a regular file, or os functions patched to fail the way the OS would.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import matcher.pipeline
from matcher.cli import main
from matcher.sample import write_sample

LANGS = ("ru", "en")
REASON_NOT_A_DIR = {"ru": "notes.txt — это файл, а не папка", "en": "notes.txt is a file, not a directory"}


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    base = tmp_path_factory.mktemp("school")
    mentees, mentors = write_sample(base, n_mentees=40, seed=2)
    return mentors, mentees


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def match(school, out, *extra):
    mentors, mentees = school
    return run("match", "--mentors", mentors, "--mentees", mentees, "--out", out, "-q", *extra)


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture
def no_solve(monkeypatch):
    """The checks must come before the solve: reaching it fails the test."""
    def solve(*args, **kwargs):
        raise AssertionError("the solve ran although the output cannot be written")
    monkeypatch.setattr(matcher.pipeline, "match", solve)


def assert_clean_failure(result, code: int = 4):
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


# --- 8: --out that cannot be written ---------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_out_under_a_regular_file_is_refused_before_the_solve_with_exit_4(school, tmp_path, no_solve, lang):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    out = tmp_path / "notes.txt" / "results"
    result = match(school, out, "--lang", lang)
    assert_clean_failure(result)
    assert "notes.txt" in result.output and REASON_NOT_A_DIR[lang] in result.output
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("lang", LANGS)
def test_out_that_is_a_regular_file_is_refused_with_exit_4(school, tmp_path, no_solve, lang):
    out = tmp_path / "results"
    out.write_text("mine", encoding="utf-8")
    result = match(school, out, "--lang", lang)
    assert_clean_failure(result)
    assert str(out) in result.output
    assert {"ru": "это файл", "en": "is a file"}[lang] in result.output
    assert out.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("lang", LANGS)
def test_out_in_a_directory_without_write_permission_is_refused_before_the_solve(school, tmp_path, no_solve,
                                                                                  monkeypatch, lang):
    locked = tmp_path / "locked"
    locked.mkdir()
    real_mkdir = os.mkdir

    def mkdir(path, *args, **kwargs):  # what a read-only directory does to a non-root user
        if Path(path).parent == locked:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", mkdir)
    result = match(school, locked / "results", "--lang", lang)
    assert_clean_failure(result)
    assert str(locked) in result.output
    assert {"ru": "нет прав доступа", "en": "permission denied"}[lang] in result.output
    assert list(locked.iterdir()) == []


@pytest.mark.parametrize("command", ["demo", "sample"])
def test_demo_and_sample_refuse_an_unwritable_out_with_exit_4(tmp_path, command):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = run(command, "--mentees", 20, "--out", tmp_path / "notes.txt" / "x", "--lang", "en")
    assert_clean_failure(result)
    assert "notes.txt" in result.output and REASON_NOT_A_DIR["en"] in result.output


@pytest.mark.parametrize("lang", LANGS)
def test_a_failure_during_the_final_write_exits_4_and_keeps_the_previous_results(school, tmp_path, monkeypatch,
                                                                                 lang):
    out = tmp_path / "out"
    assert match(school, out, "--xlsx").exit_code == 0
    before = snapshot(out)
    real_fsync, calls = os.fsync, []

    def fsync(fd):  # the disk fills up after the first file of the new set
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    result = match(school, out, "--headers", "ru", "--lang", lang)  # a different set: Russian headers
    assert_clean_failure(result)
    assert {"ru": "на диске нет места", "en": "no space left"}[lang] in result.output
    assert str(out) in result.output
    assert snapshot(out) == before
    assert sorted(os.listdir(tmp_path)) == ["out"]  # no staging directory, no .tmp file left


# --- 9: the set is replaced as a whole -------------------------------------------------


def test_a_new_run_replaces_the_whole_set_and_lists_it_in_a_manifest(school, tmp_path):
    out = tmp_path / "out"
    assert match(school, out, "--xlsx").exit_code == 0
    assert (out / "pairs.xlsx").is_file()
    assert match(school, out, "--headers", "ru").exit_code == 0
    # pairs.xlsx belonged to the previous run: it must not survive beside the new files
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "pairs.csv", "report.html", "result.json",
                                                     "unmatched.csv"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == ["pairs.csv", "report.html", "result.json", "unmatched.csv"]
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_without_an_atomic_exchange_two_renames_replace_the_set(school, tmp_path, monkeypatch):
    import matcher.io.outputset as outputset

    out = tmp_path / "out"
    assert match(school, out, "--xlsx").exit_code == 0
    monkeypatch.setattr(outputset, "_exchange", lambda a, b: False)  # e.g. macOS, NFS
    assert match(school, out, "--headers", "ru").exit_code == 0
    assert "pairs.xlsx" not in os.listdir(out) and "Код наставника" in (out / "pairs.csv").read_text("utf-8-sig")
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_a_symlinked_out_keeps_the_link_and_replaces_what_it_points_at(school, tmp_path):
    real = tmp_path / "real"
    assert match(school, real).exit_code == 0
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    assert match(school, tmp_path / "link", "--headers", "ru").exit_code == 0
    assert (tmp_path / "link").is_symlink()
    assert "Код наставника" in (real / "pairs.csv").read_text("utf-8-sig")
    assert sorted(os.listdir(tmp_path)) == ["link", "real"]


def test_same_input_and_seed_give_byte_identical_sets_including_the_manifest(school, tmp_path):
    for name in ("a", "b"):
        assert match(school, tmp_path / name, "--seed", 3).exit_code == 0
    a, b = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    assert "manifest.json" in a and a == b


@pytest.mark.parametrize("lang", LANGS)
def test_files_of_the_user_in_out_are_never_deleted(school, tmp_path, no_solve, lang):
    out = tmp_path / "out"
    out.mkdir()
    (out / "протокол.docx").write_bytes(b"curator's notes")
    (out / "pairs.csv").write_bytes(b"an old result")
    result = match(school, out, "--lang", lang)
    assert_clean_failure(result)
    assert "протокол.docx" in result.output and "pairs.csv" not in result.output
    assert snapshot(out) == {"протокол.docx": b"curator's notes", "pairs.csv": b"an old result"}
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_an_out_holding_an_input_file_is_refused_and_the_input_kept(tmp_path, request):
    out = tmp_path / "demo"
    assert run("demo", "--mentees", 20, "--out", out).exit_code == 0
    request.getfixturevalue("no_solve")
    mentors, mentees = out / "input" / "mentors.csv", out / "input" / "mentees.csv"
    before = snapshot(out)
    result = match((mentors, mentees), out, "--lang", "en")  # the demo's own sample, results into the same place
    assert_clean_failure(result)
    assert "holds the input file" in result.output and "mentors.csv" in result.output
    assert snapshot(out) == before


def test_a_result_folder_of_an_older_version_is_replaced(school, tmp_path):
    out = tmp_path / "out"
    (out / "input").mkdir(parents=True)
    for name in ("pairs.csv", "unmatched.csv", "result.json", "report.html", "pairs.xlsx", "input/mentors.csv",
                 ".pairs.csv.k2j4x.tmp"):  # what earlier versions wrote, a killed write's temp file included
        (out / name).write_bytes(b"old")
    assert match(school, out).exit_code == 0
    assert sorted(snapshot(out)) == ["manifest.json", "pairs.csv", "report.html", "result.json", "unmatched.csv"]


def test_leftovers_of_killed_runs_are_removed_by_the_next_run_and_live_ones_kept(school, tmp_path):
    dead = 2 ** 22 + 7  # above Linux's largest pid: no such process
    for leftover in (f".out.tmp-{dead}", f".out.old-{dead}", f".out.tmp-{os.getppid()}"):
        (tmp_path / leftover).mkdir()
        (tmp_path / leftover / "pairs.csv").write_bytes(b"stale")
    assert match(school, tmp_path / "out").exit_code == 0
    # the parent process is alive: its staging directory may still be in use
    assert sorted(os.listdir(tmp_path)) == [f".out.tmp-{os.getppid()}", "out"]


def test_demo_puts_its_sample_and_results_in_one_set(tmp_path):
    out = tmp_path / "demo"
    result = run("demo", "--mentees", 20, "--out", out, "--lang", "en")
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {"input/mentors.csv", "input/mentees.csv", "pairs.csv", "result.json"} <= set(manifest["files"])
    doc = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert all(".tmp-" not in (w["file"] or "") for w in doc["input_warnings"])
    assert run("demo", "--mentees", 20, "--out", out, "--lang", "en").exit_code == 0  # a second demo replaces it
    assert sorted(os.listdir(tmp_path)) == ["demo"]


# A run killed at each point of the write: afterwards --out holds the whole old set or the whole
# new one (or, between the two renames where directories cannot be exchanged, nothing, with the
# old set beside it); the next run restores order and leaves no leftover.
KILL_POINTS = {
    # the second file of the new set is being written
    "while_staging": """
        real, calls = os.fsync, []
        def fsync(fd):
            calls.append(fd)
            if len(calls) == 2:
                os._exit(9)
            return real(fd)
        os.fsync = fsync
    """,
    # the old set has been moved aside, the new one not yet moved in (no atomic exchange)
    "between_the_renames": """
        import matcher.io.outputset as outputset
        outputset._exchange = lambda a, b: False
        real, calls = os.rename, []
        def rename(a, b):
            calls.append(a)
            if len(calls) == 2:
                os._exit(9)
            return real(a, b)
        os.rename = rename
    """,
    # the new set is in place, the old one not yet removed
    "before_removing_the_old_set": """
        import shutil
        shutil.rmtree = lambda *a, **k: os._exit(9)
    """,
}


@pytest.fixture(scope="module")
def two_sets(school, tmp_path_factory):
    """The result documents of two different runs."""
    base = tmp_path_factory.mktemp("docs")
    docs = []
    for seed, extra in ((1, ()), (2, ("--headers", "ru"))):
        assert match(school, base / str(seed), "--seed", seed, *extra).exit_code == 0
        docs.append(base / str(seed) / "result.json")
    return docs


def write_in_subprocess(doc_path: Path, out: Path, patch: str = "") -> int:
    script = textwrap.dedent("""
        import json, os, sys
        {patch}
        from matcher.results import write_outputs
        doc = json.loads(open(sys.argv[1], encoding="utf-8").read())
        write_outputs(doc, sys.argv[2])
    """).format(patch=textwrap.indent(textwrap.dedent(patch), ""))
    return subprocess.run([sys.executable, "-c", script, str(doc_path), str(out)], timeout=120).returncode


@pytest.mark.parametrize("kill_point", sorted(KILL_POINTS))
def test_a_run_killed_at_any_point_never_leaves_a_mix_and_the_next_run_recovers(two_sets, tmp_path, kill_point):
    old_doc, new_doc = two_sets
    out = tmp_path / "out"
    assert write_in_subprocess(old_doc, out) == 0
    old = snapshot(out)
    assert write_in_subprocess(new_doc, tmp_path / "reference") == 0
    new = snapshot(tmp_path / "reference")
    shutil.rmtree(tmp_path / "reference")
    assert old != new

    assert write_in_subprocess(new_doc, out, KILL_POINTS[kill_point]) == 9
    if out.exists():
        assert snapshot(out) in (old, new)
        from matcher.io.outputset import verify_output_set

        verify_output_set(out)
        if kill_point == "before_removing_the_old_set":
            assert snapshot(out) == new
    else:  # only between the two renames: the whole old set waits beside --out
        assert kill_point == "between_the_renames"
        (aside,) = [p for p in tmp_path.iterdir() if p.name.startswith(".out.old-")]
        assert snapshot(aside) == old
    result = CliRunner().invoke(main, ["explain", str(out), "--mentee", "NOBODY", "--lang", "en"])
    assert "do not belong to one run" not in result.output and "Traceback" not in result.output

    assert write_in_subprocess(new_doc, out) == 0
    assert snapshot(out) == new
    assert sorted(os.listdir(tmp_path)) == ["out"]


# --- explain refuses a folder that is not one run's set ----------------------------------


@pytest.fixture
def two_runs(school, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert match(school, a).exit_code == 0
    assert match(school, b, "--headers", "ru", "--xlsx").exit_code == 0
    mentee = json.loads((a / "result.json").read_text(encoding="utf-8"))["pairs"][0]["mentee_id"]
    return a, b, mentee


def explain(directory, mentee, lang):
    return CliRunner().invoke(main, ["explain", str(directory), "--mentee", mentee, "--lang", lang])


@pytest.mark.parametrize("lang", LANGS)
def test_explain_refuses_a_folder_mixing_files_of_two_runs(two_runs, lang):
    a, b, mentee = two_runs
    assert explain(a, mentee, lang).exit_code == 0
    shutil.copy(b / "pairs.csv", a / "pairs.csv")
    result = explain(a, mentee, lang)
    assert_clean_failure(result, 1)
    assert "pairs.csv" in result.output
    assert {"ru": "не из одного запуска", "en": "do not belong to one run"}[lang] in result.output


@pytest.mark.parametrize("lang", LANGS)
def test_explain_refuses_an_output_the_manifest_does_not_list(two_runs, lang):
    a, b, mentee = two_runs
    shutil.copy(b / "pairs.xlsx", a / "pairs.xlsx")
    result = explain(a, mentee, lang)
    assert_clean_failure(result, 1)
    assert "pairs.xlsx" in result.output


@pytest.mark.parametrize("lang", LANGS)
def test_explain_refuses_a_folder_without_a_manifest_and_says_to_run_again(two_runs, lang):
    a, _, mentee = two_runs
    (a / "manifest.json").unlink()  # what an older version left
    result = explain(a, mentee, lang)
    assert_clean_failure(result, 1)
    assert "manifest.json" in result.output
    assert {"ru": "Запустите matcher match заново", "en": "Run matcher match again"}[lang] in result.output


def test_explain_refuses_a_damaged_manifest(two_runs):
    a, _, mentee = two_runs
    (a / "manifest.json").write_text("{not json", encoding="utf-8")
    result = explain(a, mentee, "en")
    assert_clean_failure(result, 1)
    assert "manifest.json" in result.output and "damaged" in result.output


# --- writing the set: no file is read back to be listed ----------------------------------


def test_the_manifest_lists_the_written_bytes_without_reading_the_files_back(tmp_path, monkeypatch):
    """A district's set is tens of megabytes: its files are hashed as they are written."""
    import hashlib

    import matcher.io.outputset as outputset

    files = {"result.json": b'{"a": 1}\n', "report.html": "<p>пары</p>".encode("utf-8")}
    outputs = outputset.OutputSet(tmp_path / "out").prepare()
    for name, data in files.items():
        outputs.add(name, data)

    def read_back(path):
        raise AssertionError(f"{path} was read back")
    monkeypatch.setattr(outputset, "_sha256", read_back)
    outputs.commit()
    listed = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert listed == {name: {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                      for name, data in files.items()}


def test_a_file_a_writer_put_in_the_staged_set_itself_is_hashed_from_disk(tmp_path):
    import hashlib

    import matcher.io.outputset as outputset

    outputs = outputset.OutputSet(tmp_path / "out").prepare()
    outputs.add("pairs.csv", b"a,b\r\n")
    outputs.path("input").mkdir()
    (outputs.path("input") / "mentors.csv").write_bytes(b"id\r\nT1\r\n")  # as `demo` writes its sample
    outputs.commit()
    listed = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert listed["input/mentors.csv"] == {"size": 8, "sha256": hashlib.sha256(b"id\r\nT1\r\n").hexdigest()}
    outputset.verify_output_set(tmp_path / "out")
