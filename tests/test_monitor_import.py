"""`matcher monitor import`: a stage of the programme's monitoring (002 §6) from a CSV or
workbook into the history — Russian or English headers, a mapping file, one row per pair or
per respondent — and every problem at file:row:column with the history left byte for byte as
it was."""
from __future__ import annotations

import copy
import csv
import io
import shutil
import sqlite3

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

import matcher
from matcher.cli import main
from matcher.history import History
from matcher.i18n import plural
from matcher.monitor.indicators import INDICATORS
from matcher.results import result_document
from matcher.sample import generate_school

EN_HEADERS = ["mentee_id", "mentor_id", *(i.code for i in INDICATORS), "mentee_satisfaction", "mentor_satisfaction"]
RU_WORDS = {0: "не проявляется", 1: "частично проявляется", 2: "проявляется в полной мере"}
PROGRAMME = "Программа наставничества"  # the default configuration's programme
YEAR = "2026/2027"  # the school year of its reference date


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """A history holding one matching of a small sample school (the real pipeline), and its pairs."""
    base = tmp_path_factory.mktemp("history")
    result = matcher.match(generate_school(30, seed=4), matcher.load_config())
    doc = result_document(result)
    db = base / "school.db"
    with History.open(db) as history:
        history.record_run(doc, kind="match")
    pairs = sorted({(p["mentee_id"], p["mentor_id"]) for p in doc["pairs"]})
    assert len(pairs) >= 10
    return db, doc, pairs


@pytest.fixture
def school(recorded, tmp_path):
    """A fresh copy of the recorded history for one test: (db path, pairs)."""
    db, _doc, pairs = recorded
    copy_ = tmp_path / "school.db"
    shutil.copy(db, copy_)
    return copy_, pairs


def planned_scores(k: int) -> list[int]:
    """The nine scores written for the k-th pair (varied, known in advance)."""
    return [(k + n) % 3 for n in range(1, 10)]


def en_rows(pairs):
    return [[mentee, mentor, *planned_scores(k), 1 + k % 10, 10 - k % 10] for k, (mentee, mentor) in enumerate(pairs)]


def write_csv(path, headers, rows, delimiter=",", encoding="utf-8"):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows([headers, *rows])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path, sheets: dict):
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def dump(db) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def stored(db):
    """(stage, file) of each import; scores as {(mentee, mentor): [9 scores]}; satisfaction rows."""
    conn = sqlite3.connect(db)
    try:
        imports = conn.execute("SELECT stage, file_name, school_year FROM monitoring_import ORDER BY id").fetchall()
        scores: dict = {}
        for mentee, mentor, indicator, score in conn.execute(
                "SELECT mentee_id, mentor_id, indicator, score FROM monitoring_score ORDER BY indicator"):
            scores.setdefault((mentee, mentor), []).append((indicator, score))
        satisfaction = {(m, t, who): (value, top) for m, t, who, value, top in conn.execute(
            "SELECT mentee_id, mentor_id, respondent, value, scale_max FROM monitoring_satisfaction")}
    finally:
        conn.close()
    return imports, {k: [s for _i, s in v] for k, v in scores.items()}, satisfaction


def assert_rejected(db, before, done, *lines):
    assert done.exit_code == 1, done.output
    assert "Traceback" not in done.output
    for line in lines:
        assert line in done.output, done.output
    assert dump(db) == before


# --- good files ---------------------------------------------------------------------------------

def test_csv_with_english_headers_imports_every_pair_with_its_scores_and_both_ratings(school, tmp_path):
    db, pairs = school
    path = write_csv(tmp_path / "before.csv", EN_HEADERS, en_rows(pairs))
    done = run("monitor", "import", path, "--history", db, "--stage", "before", "--lang", "en")
    assert done.exit_code == 0, done.output
    n = len(pairs)
    assert f"Monitoring (before the programme) imported: '{PROGRAMME}', {YEAR}: {n} pairs of {n}" in done.output
    assert f"satisfaction ratings: {n} from mentees, {n} from mentors (file before.csv)" in done.output
    imports, scores, satisfaction = stored(db)
    assert imports == [("before", "before.csv", YEAR)]
    assert scores == {pair: planned_scores(k) for k, pair in enumerate(pairs)}
    for k, (mentee, mentor) in enumerate(pairs):
        assert satisfaction[(mentee, mentor, "mentee")] == (1 + k % 10, 10)
        assert satisfaction[(mentee, mentor, "mentor")] == (10 - k % 10, 10)


def test_russian_csv_from_excel_with_words_for_scores_warns_about_pairs_without_monitoring(school, tmp_path):
    db, pairs = school
    headers = ["Отметка времени", "ID наставляемого", "ФИО наставляемого", "ID наставника",
               *(f"Показатель {n}" for n in range(1, 10)), "Удовлетворённость наставляемого",
               "Удовлетворённость наставника"]
    rows = [["01.10.2026 10:00", mentee, "Имя", mentor, *(RU_WORDS[s] for s in planned_scores(k)), "7,5", ""]
            for k, (mentee, mentor) in enumerate(pairs[2:])]
    path = write_csv(tmp_path / "до.csv", headers, rows, delimiter=";", encoding="cp1251")
    done = run("monitor", "import", path, "--history", db, "--stage", "before", "--lang", "ru")
    assert done.exit_code == 0, done.output
    n = len(pairs)
    pairs_word = plural(n - 2, "пара|пары|пар", "ru")
    assert (f"Мониторинг (до входа в программу) загружен: «{PROGRAMME}», {YEAR}: {n - 2} {pairs_word} из {n}; "
            f"оценки удовлетворённости: наставляемых — {n - 2}, наставников — 0 (файл до.csv)") in done.output
    assert "Без мониторинга: 2 пары" in done.output
    for mentee, mentor in pairs[:2]:
        assert any(line.startswith(f"{path}: предупреждение: нет мониторинга для пары «") and f"({mentor}) – " in line
                   and line.endswith(f"({mentee})»") for line in done.output.splitlines()), done.output
    _imports, scores, satisfaction = stored(db)
    assert scores == {pair: planned_scores(k) for k, pair in enumerate(pairs[2:])}
    assert {v for v in satisfaction.values()} == {(7.5, 10)}


def test_xlsx_with_the_wording_of_the_effectiveness_table_after_an_instructions_sheet(school, tmp_path):
    db, pairs = school
    headers = ["Код наставляемого", "Код наставника", *(f"{i.number}. {i.title_ru}" for i in INDICATORS)]
    rows = [[mentee, mentor, *planned_scores(k)] for k, (mentee, mentor) in enumerate(pairs)]
    path = write_xlsx(tmp_path / "after.xlsx", {"Инструкция": [["Заполните таблицу эффективности"]],
                                                "Мониторинг": [headers, *rows]})
    done = run("monitor", "import", path, "--history", db, "--stage", "after", "--lang", "en")
    assert done.exit_code == 0, done.output
    imports, scores, satisfaction = stored(db)
    assert imports == [("after", "after.xlsx", YEAR)]
    assert scores == {pair: planned_scores(k) for k, pair in enumerate(pairs)}
    assert satisfaction == {}


def test_google_forms_grid_headers_are_read_by_their_rows(school, tmp_path):
    db, pairs = school
    headers = ["Timestamp", "mentee id", "mentor id",
               *(f"Rate the pair's work [{i.title_en}]" for i in INDICATORS)]
    rows = [["2026/10/01", mentee, mentor, *planned_scores(k)] for k, (mentee, mentor) in enumerate(pairs)]
    done = run("monitor", "import", write_csv(tmp_path / "form.csv", headers, rows), "--history", db,
               "--stage", "before")
    assert done.exit_code == 0, done.output
    assert stored(db)[1] == {pair: planned_scores(k) for k, pair in enumerate(pairs)}


def test_a_mapping_file_renames_columns_translates_answers_and_sets_the_satisfaction_scale(school, tmp_path):
    db, pairs = school
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[columns]\nmentee_id = "Код ученика"\nmentor_id = "Код учителя"\n'
        + "".join(f'indicator_{n} = "Вопрос {n}"\n' for n in range(1, 10))
        + 'mentee_satisfaction = "Насколько вы довольны?"\n'
        '[values.goals]\n"Да" = 2\n"Скорее да" = 1\n"Нет" = 0\n'
        '[satisfaction]\nmin = 1\nmax = 5\n', encoding="utf-8")
    headers = ["Код ученика", "Код учителя", *(f"Вопрос {n}" for n in range(1, 10)), "Насколько вы довольны?"]
    answers = {2: "Да", 1: "Скорее да", 0: "Нет"}
    rows = [[mentee, mentor, answers[planned_scores(k)[0]], *planned_scores(k)[1:], 1 + k % 5]
            for k, (mentee, mentor) in enumerate(pairs)]
    done = run("monitor", "import", write_csv(tmp_path / "m.csv", headers, rows), "--history", db,
               "--stage", "before", "--mapping", mapping)
    assert done.exit_code == 0, done.output
    _imports, scores, satisfaction = stored(db)
    assert scores == {pair: planned_scores(k) for k, pair in enumerate(pairs)}
    assert satisfaction == {(m, t, "mentee"): (1 + k % 5, 5) for k, (m, t) in enumerate(pairs)}


def test_one_row_per_respondent_joins_both_partners_rows_of_a_pair(school, tmp_path):
    db, pairs = school
    headers = ["Роль", "ID наставляемого", "ID наставника", *(i.code for i in INDICATORS), "Удовлетворённость"]
    rows = []
    for k, (mentee, mentor) in enumerate(pairs):
        rows.append(["наставник", mentee, mentor, *planned_scores(k), 9])  # the curator scores on the mentor's row
        rows.append(["наставляемый", mentee, mentor, *[""] * 9, 1 + k % 10])
    done = run("monitor", "import", write_csv(tmp_path / "r.csv", headers, rows), "--history", db,
               "--stage", "after")
    assert done.exit_code == 0, done.output
    _imports, scores, satisfaction = stored(db)
    assert scores == {pair: planned_scores(k) for k, pair in enumerate(pairs)}
    for k, (mentee, mentor) in enumerate(pairs):
        assert satisfaction[(mentee, mentor, "mentor")] == (9, 10)
        assert satisfaction[(mentee, mentor, "mentee")] == (1 + k % 10, 10)


def test_before_and_after_are_two_imports_of_the_same_year(school, tmp_path):
    db, pairs = school
    rows = en_rows(pairs)
    assert run("monitor", "import", write_csv(tmp_path / "b.csv", EN_HEADERS, rows), "--history", db,
               "--stage", "before").exit_code == 0
    rows[0][2] = (rows[0][2] + 1) % 3  # another score: another file
    assert run("monitor", "import", write_csv(tmp_path / "a.csv", EN_HEADERS, rows), "--history", db,
               "--stage", "after").exit_code == 0
    assert [i[:2] for i in stored(db)[0]] == [("before", "b.csv"), ("after", "a.csv")]


# --- rejections -----------------------------------------------------------------------------------

def test_bad_cells_unknown_and_duplicate_pairs_are_each_reported_and_nothing_is_written(school, recorded, tmp_path):
    db, pairs = school
    doc = recorded[1]
    before = dump(db)
    rows = en_rows(pairs)
    rows[0][2 + 3] = 3  # climate (indicator 4) out of range, at file row 2
    rows[1][2] = "хорошо"  # goals, row 3
    rows[2][2 + 8] = "1.5"  # application, row 4
    rows[3][11] = 11  # mentee_satisfaction beyond 10, row 5
    rows[4][2 + 1] = ""  # principles missing, row 6
    other_mentor = next(t for _m, t in pairs if (pairs[5][0], t) not in pairs)
    rows[5][1] = other_mentor  # an unknown pair, row 7
    rows.append(list(rows[6]))  # the pair of row 8 again, at the end
    rows.append(["", pairs[7][1], *[1] * 9, 5, 5])  # an empty mentee id
    path = write_csv(tmp_path / "bad.csv", EN_HEADERS, rows)
    done = run("monitor", "import", path, "--history", db, "--stage", "before", "--lang", "en")
    n = len(rows) + 1
    mentor_name = next(p["mentor_name"] for p in doc["pairs"] if p["mentee_id"] == pairs[5][0])
    assert_rejected(
        db, before, done,
        f"{path}:2:climate: error: score 3 is outside the range 0–2",
        f"{path}:3:goals: error: 'хорошо' is not a score: 0, 1 or 2 expected",
        f"{path}:4:application: error: '1.5' is not a score",
        f"{path}:5:mentee_satisfaction: error: satisfaction 11 is outside the scale 1–10",
        f"{path}:6:principles: error: no score for this indicator for the pair",
        f"{path}:7:mentor_id: error: mentee {pairs[5][0]} and mentor {other_mentor} are not a pair in the last "
        f"matching of '{PROGRAMME}' recorded for {YEAR}",
        f"; there this mentee's mentor is {mentor_name} ({pairs[5][1]})",
        f"{path}:{n - 1}: error: the pair ",
        f"is already at row 8",
        f"{path}:{n}:mentee_id: error: empty id",
        "input rejected: 8 errors,")


def test_swapped_ids_are_named_as_such(school, tmp_path):
    db, pairs = school
    before = dump(db)
    rows = en_rows(pairs)
    rows[0][0], rows[0][1] = rows[0][1], rows[0][0]
    path = write_csv(tmp_path / "swap.csv", EN_HEADERS, rows)
    done = run("monitor", "import", path, "--history", db, "--stage", "before", "--lang", "ru")
    assert_rejected(db, before, done, f"{path}:2:mentor_id: ошибка: наставляемый {pairs[0][1]} и наставник "
                                      f"{pairs[0][0]} не составляют пару в последнем подборе программы",
                    "; похоже, коды наставляемого и наставника переставлены местами")


def test_respondent_rows_that_disagree_repeat_or_name_no_role_are_rejected(school, tmp_path):
    db, pairs = school
    before = dump(db)
    headers = ["role", "mentee_id", "mentor_id", *(i.code for i in INDICATORS), "satisfaction"]
    (m0, t0), (m1, t1), (m2, t2) = pairs[:3]
    rows = [["mentor", m0, t0, *[2] * 9, 8],
            ["mentee", m0, t0, 1, *[""] * 8, 7],  # row 3: goals 1 against 2 at row 2
            ["mentor", m1, t1, *[1] * 9, 5],
            ["mentor", m1, t1, *[1] * 9, 5],  # row 5: the mentor's answers twice
            ["tutor", m2, t2, *[1] * 9, 5]]  # row 6
    path = write_csv(tmp_path / "resp.csv", headers, rows)
    done = run("monitor", "import", path, "--history", db, "--stage", "before", "--lang", "en")
    assert_rejected(db, before, done, f"{path}:3:goals: error: 1 contradicts 2 at row 2 for the same pair",
                    f"{path}:5: error: the mentor's answers for the pair ",
                    "are already at row 4",
                    f"{path}:6:role: error: unknown role 'tutor'")


def test_a_satisfaction_scale_the_mapping_sets_bounds_the_ratings(school, tmp_path):
    db, pairs = school
    before = dump(db)
    mapping = tmp_path / "map.toml"
    mapping.write_text("[satisfaction]\nmin = 1\nmax = 5\n", encoding="utf-8")
    rows = en_rows(pairs)
    rows[0][11] = 7
    path = write_csv(tmp_path / "s.csv", EN_HEADERS, rows)
    done = run("monitor", "import", path, "--history", db, "--stage", "before", "--mapping", mapping, "--lang", "en")
    assert_rejected(db, before, done, f"{path}:2:mentee_satisfaction: error: satisfaction 7 is outside the scale 1–5")
    mapping.write_text('[satisfaction]\nmin = 5\nmax = "ten"\n', encoding="utf-8")
    done = run("monitor", "import", write_csv(tmp_path / "s.csv", EN_HEADERS, en_rows(pairs)), "--history", db,
               "--stage", "before", "--mapping", mapping, "--lang", "en")
    assert_rejected(db, before, done, f"{mapping}:-:satisfaction: error: satisfaction scale [satisfaction]")


def test_russian_messages_name_the_russian_columns(school, tmp_path):
    db, pairs = school
    before = dump(db)
    headers = ["ID наставляемого", "ID наставника", *(f"Показатель {n}" for n in range(1, 10))]
    rows = [[mentee, mentor, *planned_scores(k)] for k, (mentee, mentor) in enumerate(pairs)]
    rows[1][2 + 3] = -1
    path = write_csv(tmp_path / "плохой.csv", headers, rows)
    done = run("monitor", "import", path, "--history", db, "--stage", "before", "--lang", "ru")
    assert_rejected(db, before, done, f"{path}:3:Показатель 4: ошибка: балл -1 вне диапазона 0–2",
                    "входные данные отклонены: ошибок — 1,")


def test_missing_required_columns_are_named(school, tmp_path):
    db, pairs = school
    before = dump(db)
    headers = [h for h in EN_HEADERS if h not in ("mentor_id", "climate")]
    rows = [[r[0], *r[2:5], *r[6:]] for r in en_rows(pairs)]
    path = write_csv(tmp_path / "cols.csv", headers, rows)
    done = run("monitor", "import", path, "--history", db, "--stage", "before", "--lang", "en")
    assert_rejected(db, before, done,
                    f"{path}:1:mentor_id: error: required column 'mentor_id' is missing",
                    f"{path}:1:climate: error: required column 'climate' is missing (expected one of: climate, "
                    "Показатель 4")


def test_two_columns_of_one_indicator_are_rejected(school, tmp_path):
    db, pairs = school
    before = dump(db)
    headers = [*EN_HEADERS, "Показатель 4"]
    rows = [[*row, 0] for row in en_rows(pairs)]
    path = write_csv(tmp_path / "twice.csv", headers, rows)
    done = run("monitor", "import", path, "--history", db, "--stage", "before", "--lang", "en")
    assert_rejected(db, before, done, f"{path}:1:Показатель 4: error: columns 'climate' and 'Показатель 4' both "
                                      "mean field climate")


def test_a_stage_is_imported_once_and_the_second_attempt_says_when_and_from_which_file(school, tmp_path):
    db, pairs = school
    first = write_csv(tmp_path / "first.csv", EN_HEADERS, en_rows(pairs))
    assert run("monitor", "import", first, "--history", db, "--stage", "before").exit_code == 0
    imported_at = sqlite3.connect(db).execute("SELECT imported_at FROM monitoring_import").fetchone()[0]
    before = dump(db)
    rows = en_rows(pairs)
    rows[0][2] = (rows[0][2] + 1) % 3  # another score: another file
    again = write_csv(tmp_path / "again.csv", EN_HEADERS, rows)
    done = run("monitor", "import", again, "--history", db, "--stage", "before", "--lang", "en")
    assert_rejected(db, before, done,
                    f"{again}: error: the stage 'before the programme' of the monitoring of '{PROGRAMME}', {YEAR}, "
                    f"was already imported on {imported_at[:10]}",
                    "from the file 'first.csv': a stage is imported once")
    # The same bytes cannot be the other stage either.
    done = run("monitor", "import", first, "--history", db, "--stage", "after", "--lang", "ru")
    assert_rejected(db, before, done, "этот файл уже загружен как этап «до входа в программу»")


def test_a_year_or_programme_without_a_recorded_matching_is_rejected_with_the_choices(school, recorded, tmp_path):
    db, pairs = school
    before = dump(db)
    path = write_csv(tmp_path / "b.csv", EN_HEADERS, en_rows(pairs))
    done = run("monitor", "import", path, "--history", db, "--stage", "before", "--school-year", "2025/2026",
               "--lang", "en")
    assert_rejected(db, before, done, f"{db}: error: programme '{PROGRAMME}' has no matching recorded for the "
                                      f"school year 2025/2026; its years: {YEAR}")
    done = run("monitor", "import", path, "--history", db, "--stage", "before", "--programme", "Лицей",
               "--lang", "en")
    assert_rejected(db, before, done, f"{db}: error: the history has no programme 'Лицей'; it has: «{PROGRAMME}»")


def test_several_programmes_need_programme_and_years_default_to_the_latest(school, recorded, tmp_path):
    db, pairs = school
    other = copy.deepcopy(recorded[1])
    other["program"]["name"] = "Лицей"
    with History.open(db) as history:
        history.record_run(other, kind="match", year="2025/2026")
        history.record_run(other, kind="match")
    before = dump(db)
    path = write_csv(tmp_path / "b.csv", EN_HEADERS, en_rows(pairs))
    done = run("monitor", "import", path, "--history", db, "--stage", "before", "--lang", "en")
    assert_rejected(db, before, done, "the history holds several programmes: give --programme (one of: «Лицей», "
                                      f"«{PROGRAMME}»)")
    done = run("monitor", "import", path, "--history", db, "--stage", "before", "--programme", "лицей")
    assert done.exit_code == 0, done.output
    assert "'Лицей', 2026/2027" in done.output
    done = run("monitor", "import", path, "--history", db, "--stage", "before", "--programme", "Лицей",
               "--school-year", "2025-2026")
    assert done.exit_code == 0, done.output
    assert [i[2] for i in stored(db)[0]] == [YEAR, "2025/2026"]


def test_a_missing_history_is_rejected_and_not_created(tmp_path):
    path = write_csv(tmp_path / "b.csv", EN_HEADERS, [["S1", "T1", *[1] * 9, 5, 5]])
    done = run("monitor", "import", path, "--history", tmp_path / "nowhere.db", "--stage", "before", "--lang", "en")
    assert done.exit_code == 1 and "the history file does not exist" in done.output
    assert not (tmp_path / "nowhere.db").exists()


def test_usage_errors_exit_2(school, tmp_path):
    db, pairs = school
    path = write_csv(tmp_path / "b.csv", EN_HEADERS, en_rows(pairs))
    assert run("monitor", "import", path, "--history", db, "--stage", "during").exit_code == 2
    done = run("monitor", "import", path, "--history", db, "--stage", "before", "--school-year", "2026")
    assert done.exit_code == 2 and "is not a school year" in done.output
    assert run("monitor", "import", path, "--stage", "before").exit_code == 2
