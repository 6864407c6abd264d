"""The order's annex as an editable file (`--order order.docx|order.xlsx`, `matcher order`): every
pair of pairs.csv in it under the right names, groups as one mentor with several mentees, the
page set up for print, names that cannot run as formulas, nothing sensitive, and the other
outputs exactly as they are without it.

The files are read back with python-docx and openpyxl; what they should hold is worked out
here from pairs.csv and the questionnaires, never from matcher.order."""
from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

import matcher
from matcher.cli import main
from matcher.sample import write_sample

LANGS = ("ru", "en")
SET_FILES = ("pairs.csv", "unmatched.csv", "result.json", "report.html")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def read_csv(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    base = tmp_path_factory.mktemp("school")
    mentees, mentors = write_sample(base, n_mentees=80, seed=3)
    return mentors, mentees


def match(school, out, *extra):
    mentors, mentees = school
    return run("match", "--mentors", mentors, "--mentees", mentees, "--out", out, "-q", *extra)


@pytest.fixture(scope="module")
def runs(school, tmp_path_factory):
    """The same run three times: the order inside --out (Word), outside it (Excel), none."""
    base = tmp_path_factory.mktemp("runs")
    results = {
        "inside": match(school, base / "inside", "--lang", "ru", "--order", base / "inside" / "order.docx"),
        "outside": match(school, base / "outside", "--lang", "ru", "--order", base / "annex" / "order.xlsx"),
        "none": match(school, base / "none", "--lang", "ru"),
    }
    for name, result in results.items():
        assert result.exit_code == 0, (name, result.output)
    return base, results


# --- reading the files back ------------------------------------------------------------------


def docx_rows(path: Path) -> list[list[str]]:
    """Every numbered row of every table: the cells' text, a cell's paragraphs one per line."""
    rows = []
    for table in Document(str(path)).tables:
        for row in table.rows[1:]:
            cells = ["\n".join(p.text for p in cell.paragraphs) for cell in row.cells]
            if cells[0].strip().isdigit():
                rows.append(cells)
    return rows


def xlsx_rows(path: Path) -> list[list[str]]:
    """Every row whose first cell is a number (the annex's rows), as text."""
    ws = openpyxl.load_workbook(path).active
    return [["" if v is None else str(v) for v in row[:5]]
            for row in ws.iter_rows(values_only=True) if isinstance(row[0], int)]


def read_rows(path: Path) -> list[list[str]]:
    return docx_rows(path) if path.suffix == ".docx" else xlsx_rows(path)


def all_text(path: Path) -> str:
    if path.suffix == ".docx":
        document = Document(str(path))
        parts = [p.text for p in document.paragraphs]
        parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join(parts)
    ws = openpyxl.load_workbook(path).active
    return "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)


def order_paths(runs) -> list[Path]:
    base, _ = runs
    return [base / "inside" / "order.docx", base / "annex" / "order.xlsx"]


# --- content ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [".docx", ".xlsx"])
def test_every_pair_of_pairs_csv_is_in_the_order_under_its_names(runs, kind):
    base, _ = runs
    path = next(p for p in order_paths(runs) if p.suffix == kind)
    pairs = read_csv(base / "inside" / "pairs.csv")
    assert pairs
    rows = read_rows(path)
    assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))  # numbered through, no gaps
    mentee_lines = [line for r in rows for line in r[2].split("\n") if line.strip()]
    assert len(mentee_lines) == len(pairs)
    for p in pairs:
        holding = [r for r in rows if f"{p['mentee_name']} ({p['mentee_id']})" in r[2]]
        assert len(holding) == 1, p
        assert f"{p['mentor_name']} ({p['mentor_id']})" in holding[0][1], p


@pytest.mark.parametrize("kind", [".docx", ".xlsx"])
def test_a_group_is_one_row_of_one_mentor_with_all_their_mentees(runs, kind):
    base, _ = runs
    path = next(p for p in order_paths(runs) if p.suffix == kind)
    groups = defaultdict(list)
    for p in read_csv(base / "inside" / "pairs.csv"):
        groups[(p["mentor_id"], p["form"])].append(p)
    rows = read_rows(path)
    assert len(rows) == len(groups)
    several = [g for g in groups.values() if len(g) > 1]
    assert several, "the sample should hold groups"
    for members in several:
        row = next(r for r in rows if f"({members[0]['mentor_id']})" in r[1]
                   and f"({members[0]['mentee_id']})" in r[2])
        assert all(f"{m['mentee_name']} ({m['mentee_id']})" in row[2] for m in members)
        assert row[4] == ""  # the start date is left for the school to fill in


def test_the_order_gives_each_mentees_class_and_each_teachers_position(runs, school):
    _, mentees_csv = school
    base, _ = runs
    grade = {r["Идентификатор"]: r["Класс"] for r in read_csv(mentees_csv) if r["Класс"]}
    assert grade
    rows = docx_rows(base / "inside" / "order.docx")
    checked = 0
    for row in rows:
        for line in row[2].split("\n"):
            mentee_id = line.split("(", 1)[1].split(")", 1)[0] if "(" in line else ""
            if mentee_id in grade:
                assert f", {grade[mentee_id]} класс" in line.replace("\u00a0", " "), line
                checked += 1
    assert checked
    assert any(row[1].split("\n")[-1].startswith("учитель") for row in rows)  # a teacher's position


def test_the_order_holds_nothing_sensitive(runs, school):
    mentors, mentees = school
    ingest = matcher.load(mentors=str(mentors), mentees=str(mentees))
    secrets = {v for p in ingest.participants for v in p.sensitive.values() if v}
    assert secrets, "the sample should hold sensitive notes"
    for path in order_paths(runs):
        text = all_text(path)
        assert not [s for s in secrets if s in text], path


@pytest.mark.parametrize("lang", LANGS)
def test_the_order_is_worded_in_the_chosen_language(runs, tmp_path, lang):
    base, _ = runs
    result = run("order", base / "inside", "--out", tmp_path / "order.docx", "--lang", lang)
    assert result.exit_code == 0, result.output
    text = all_text(tmp_path / "order.docx")
    expected = {"ru": ["Приложение к приказу", "Об утверждении наставнических пар/групп",
                       "Руководитель образовательной организации", "Куратор программы наставничества",
                       "расшифровка подписи", "Дата начала", "№ п/п"],
                "en": ["Appendix to the order", "On approving the mentoring pairs/groups", "Head of the school",
                       "Curator of the mentoring programme", "signature", "Start date"]}[lang]
    for words in expected:
        assert words in text, words
    assert ("Приложение" in text) == (lang == "ru")


# --- print layout ------------------------------------------------------------------------------


def test_the_word_order_is_a4_portrait_with_a_repeated_header_and_page_numbers_from_1(runs):
    base, _ = runs
    document = Document(str(base / "inside" / "order.docx"))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert section.page_height > section.page_width
    annex_tables = [t for t in document.tables if docx_rows_of(t)]
    assert annex_tables
    for table in annex_tables:
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(qn("w:tblHeader")) is not None
        assert header.find(qn("w:tblHeader")).get(qn("w:val"), "true") in ("true", "1", "on")
        assert all(r._tr.trPr.find(qn("w:tblHeader")) is None for r in table.rows[1:])
    numbering = section._sectPr.find(qn("w:pgNumType"))
    assert numbering is not None and numbering.get(qn("w:start")) == "1"
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "fldChar" in footer_xml
    assert sum(c.width for c in annex_tables[0].rows[0].cells) <= section.page_width - section.left_margin \
        - section.right_margin + Mm(1)


def docx_rows_of(table) -> bool:
    return any(r.cells[0].text.strip().isdigit() for r in table.rows[1:])


def test_the_excel_order_prints_on_a4_portrait_with_a_repeated_header_and_page_numbers(runs):
    base, _ = runs
    ws = openpyxl.load_workbook(base / "annex" / "order.xlsx").active
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "portrait"  # 9: A4
    assert ws.print_title_rows
    header_row = int(ws.print_title_rows.split(":")[0].lstrip("$"))
    assert ws.cell(row=header_row, column=1).value == "№ п/п"
    assert "&P" in (ws.oddFooter.center.text or "")


# --- untrusted names ---------------------------------------------------------------------------


@pytest.fixture
def formula_names(tmp_path):
    (tmp_path / "mentors.csv").write_text(
        "id;name;category;forms;age;capacity;consent;data_consent\n"
        "T1;=HYPERLINK(\"http://x\");teacher;teacher_student;40;1;yes;yes\n", encoding="utf-8")
    (tmp_path / "mentees.csv").write_text(
        "id;name;category;forms;age;consent;data_consent;guardian_consent\n"
        "S1;+SUM(A1);student;teacher_student;12;yes;yes;yes\n", encoding="utf-8")
    return tmp_path


def test_names_that_start_like_formulas_never_run_in_the_excel_order(formula_names):
    base = formula_names
    result = run("match", "--mentors", base / "mentors.csv", "--mentees", base / "mentees.csv", "--out",
                 base / "out", "-q", "--order", base / "order.xlsx")
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(base / "order.xlsx").active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert any(t.startswith("'=HYPERLINK(") for t in texts)
    assert any(t.startswith("'+SUM(A1)") for t in texts)
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@"))]


def test_names_that_start_like_formulas_are_plain_text_in_the_word_order(formula_names):
    base = formula_names
    result = run("match", "--mentors", base / "mentors.csv", "--mentees", base / "mentees.csv", "--out",
                 base / "out", "-q", "--order", base / "order.docx")
    assert result.exit_code == 0, result.output
    rows = docx_rows(base / "order.docx")
    assert rows[0][1].startswith('=HYPERLINK("http://x") (T1)')
    assert rows[0][2].startswith("+SUM(A1) (S1)")


# --- where it goes, and what it leaves alone ------------------------------------------------------


def test_an_order_does_not_change_the_other_outputs(runs):
    base, _ = runs
    for name in SET_FILES:
        plain = (base / "none" / name).read_bytes()
        assert (base / "inside" / name).read_bytes() == plain, name
        assert (base / "outside" / name).read_bytes() == plain, name
    assert (base / "outside" / "manifest.json").read_bytes() == (base / "none" / "manifest.json").read_bytes()
    assert sorted(p.name for p in (base / "outside").iterdir()) == sorted(p.name for p in (base / "none").iterdir())


def test_an_order_inside_out_is_one_file_of_the_set(runs):
    base, results = runs
    listed = json.loads((base / "inside" / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert "order.docx" in listed
    assert "order.docx" in results["inside"].output or "order.docx" in results["inside"].stdout
    mentee = read_csv(base / "inside" / "pairs.csv")[0]["mentee_id"]
    assert run("explain", base / "inside", "--mentee", mentee).exit_code == 0  # still one run's set


def test_matcher_order_makes_the_same_file_from_a_result_folder(runs, tmp_path):
    base, _ = runs
    for source, name in ((base / "inside" / "order.docx", "again.docx"), (base / "annex" / "order.xlsx", "again.xlsx")):
        result = run("order", base / "inside", "--out", tmp_path / name, "--lang", "ru")
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).read_bytes() == source.read_bytes(), name


def test_matcher_order_into_the_result_folder_keeps_it_one_runs_set(runs, tmp_path):
    base, _ = runs
    folder = tmp_path / "res"
    folder.mkdir()
    for f in (base / "none").iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    result = run("order", folder, "--out", folder / "order.xlsx", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "order.xlsx" in json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]
    for name in SET_FILES:
        assert (folder / name).read_bytes() == (base / "none" / name).read_bytes()
    mentee = read_csv(folder / "pairs.csv")[0]["mentee_id"]
    assert run("explain", folder, "--mentee", mentee).exit_code == 0


@pytest.mark.parametrize("lang", LANGS)
def test_an_unsupported_ending_exits_1_with_the_formats_named_before_any_work(school, tmp_path, lang):
    result = match(school, tmp_path / "out", "--lang", lang, "--order", tmp_path / "order.pdf")
    assert result.exit_code == 1, result.output
    assert "order.pdf" in result.output and ".docx" in result.output and ".xlsx" in result.output
    assert {"ru": "не поддерживается", "en": "unsupported"}[lang] in result.output
    assert not (tmp_path / "out").exists() and not (tmp_path / "order.pdf").exists()


def test_matcher_order_refuses_an_unsupported_ending_and_a_folder_without_a_manifest(runs, tmp_path):
    base, _ = runs
    result = run("order", base / "inside", "--out", tmp_path / "order.odt", "--lang", "en")
    assert result.exit_code == 1 and ".docx" in result.output
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "result.json").write_bytes((base / "none" / "result.json").read_bytes())
    result = run("order", folder, "--out", tmp_path / "order.docx", "--lang", "en")
    assert result.exit_code == 1 and "manifest.json" in result.output
    assert not (tmp_path / "order.docx").exists()


def test_an_order_that_would_replace_a_result_file_is_refused_before_the_solve(school, tmp_path):
    result = match(school, tmp_path / "out", "--xlsx", "--order", tmp_path / "out" / "pairs.xlsx")
    assert result.exit_code == 4 and "pairs.xlsx" in result.output
    assert not (tmp_path / "out").exists()


def test_an_order_that_would_overwrite_an_input_is_refused_and_the_input_kept(tmp_path):
    (workbook,) = write_sample(tmp_path, n_mentees=20, seed=1, fmt="xlsx")
    before = workbook.read_bytes()
    result = run("match", "--participants", workbook, "--out", tmp_path / "out", "-q", "--order", workbook)
    assert result.exit_code == 4, result.output
    assert workbook.name in result.output
    assert workbook.read_bytes() == before and not (tmp_path / "out").exists()


def test_the_demo_writes_an_order_too(tmp_path):
    result = run("demo", "--out", tmp_path / "demo", "--mentees", 30, "--order", tmp_path / "demo" / "order.xlsx",
                 "--lang", "en")
    assert result.exit_code == 0, result.output
    pairs = read_csv(tmp_path / "demo" / "pairs.csv")
    assert len([line for r in xlsx_rows(tmp_path / "demo" / "order.xlsx") for line in r[2].split("\n")]) == len(pairs)
