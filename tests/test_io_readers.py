"""Reading questionnaire files: encodings, separators, quoting, workbooks and their sheets."""
from __future__ import annotations

import codecs

import pytest

from matcher.config import load_config
from matcher.io import load
from matcher.io.readers import decode, read_tables, sniff_delimiter
from matcher.io.writers import xlsx_bytes
from matcher.problems import ProblemReport

CONFIG = load_config(overrides={"rules": {"require_guardian_consent": False}})

HEADER = ["ID", "ФИО", "Форма наставничества", "Возраст", "Пол", "Интересы"]
ROWS = [
    ["M1", "Петрова Анна Ивановна", "Учитель - ученик", "41", "ж", "шахматы; музыка"],
    ["M2", "Ёлкин Пётр", "учитель-ученик", "35", "м", "футбол"],
]


def csv_text(rows, delimiter=";") -> str:
    return "\r\n".join(delimiter.join(r) for r in rows) + "\r\n"


def load_mentors(path, **kw):
    return load(mentors=path, config=kw.pop("config", CONFIG), **kw)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "utf-16", "koi8_r"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_in_every_encoding_and_separator_reads_the_same(tmp_path, encoding, delimiter):
    path = tmp_path / "mentors.csv"
    path.write_bytes(csv_text([HEADER, *ROWS], delimiter).replace("шахматы; музыка", '"шахматы; музыка"')
                     .encode(encoding))
    ingest = load_mentors(path)
    assert ingest.report.errors == []
    assert [p.name for p in ingest.participants] == ["Петрова Анна Ивановна", "Ёлкин Пётр"]
    assert ingest.participants[0].interests == ["шахматы", "музыка"]
    assert ingest.participants[1].forms == ["teacher_student"]


def test_quoted_fields_keep_separators_and_newlines_and_rows_count_as_a_spreadsheet_shows(tmp_path):
    path = tmp_path / "mentors.csv"
    path.write_text('id,name,forms,interests\n'
                    'M1,"Петрова, Анна",teacher_student,"шахматы\nмузыка"\n'
                    'M2,"Сказал ""да""",teacher_student,футбол\n'
                    'M3,Иванов,teacher_student,xx\n', encoding="utf-8")
    ingest = load_mentors(path)
    assert [p.name for p in ingest.participants] == ["Петрова, Анна", 'Сказал "да"', "Иванов"]
    assert ingest.participants[0].interests == ["шахматы", "музыка"]
    # the embedded newline does not shift row numbers: a record is one spreadsheet row
    assert [p.source_row for p in ingest.participants] == [2, 3, 4]


def test_empty_rows_are_skipped_silently_and_row_numbers_stay_true(tmp_path):
    path = tmp_path / "mentors.csv"
    path.write_text("id;forms\n\nM1;teacher_student\n;\n  ;  \nM2;teacher_student\n", encoding="utf-8")
    ingest = load_mentors(path)
    assert ingest.report.errors == []
    assert [(p.id, p.source_file, p.source_row) for p in ingest.participants] == [
        ("M1", str(path), 3), ("M2", str(path), 6)]


def test_sniffer_prefers_the_separator_that_gives_a_consistent_table():
    assert sniff_delimiter('a;b;c\n"x, y";2;3\n') == ";"
    assert sniff_delimiter("a,b,c\n1,2,3\n") == ","
    assert sniff_delimiter("a\tb\tc\n1,5\t2;3\t3\n") == "\t"


def test_decode_tells_cp1251_from_koi8_and_utf16_without_bom():
    text = "ФИО;Пол\nиванов;м\n"
    assert decode(text.encode("cp1251")) == text
    assert decode(text.encode("koi8_r")) == text
    assert decode(text.encode("utf-16-le")) == text
    assert decode(codecs.BOM_UTF8 + text.encode("utf-8")) == text
    assert decode(b"\x00\x01\x02\x03binary\x00\xff") is None


def test_google_forms_timestamp_column_maps_nothing_and_warns_nothing(tmp_path):
    path = tmp_path / "mentors.csv"
    path.write_text("Отметка времени,ID,Форма наставничества\n25.11.2026 14:03:11,M1,учитель-ученик\n",
                    encoding="utf-8")
    ingest = load_mentors(path)
    assert ingest.report.problems == [] or all(p.column != "Отметка времени" for p in ingest.report.problems)
    assert ingest.columns[str(path)]["Отметка времени"] == ""
    assert ingest.participants[0].id == "M1"


def test_xlsx_first_sheet_is_read_when_no_sheet_is_named_for_a_role(tmp_path):
    path = tmp_path / "mentors.xlsx"
    path.write_bytes(xlsx_bytes({"Ответы на форму (1)": (HEADER, ROWS)}))
    ingest = load_mentors(path)
    assert ingest.report.errors == []
    assert [p.id for p in ingest.participants] == ["M1", "M2"]
    assert ingest.participants[0].source_file == f"{path}[Ответы на форму (1)]"


def test_one_workbook_with_mentor_and_mentee_sheets_gives_both_roles_and_skips_instructions(tmp_path):
    path = tmp_path / "school.xlsx"
    mentee_header = ["ID", "Форма наставничества", "Класс"]
    path.write_bytes(xlsx_bytes({
        "Инструкция": (["Заполните листы «Наставники» и «Наставляемые»"], [["Спасибо!"]]),
        "НАСТАВНИКИ": (HEADER, ROWS),
        "Наставляемые": (mentee_header, [["E1", "учитель-ученик", "7Б"]]),
    }))
    ingest = load(participants=path, config=CONFIG)
    assert ingest.report.errors == []
    assert [(p.id, p.role) for p in ingest.participants] == [("M1", "mentor"), ("M2", "mentor"), ("E1", "mentee")]
    assert ingest.participants[2].grade == 7 and ingest.participants[2].grade_letter == "Б"


def test_sheet_names_match_without_case_or_yo(tmp_path):
    path = tmp_path / "school.xlsx"
    path.write_bytes(xlsx_bytes({"mentees": (["id", "forms"], [["E1", "teacher_student"]]),
                                 "Mentors": (["id", "forms"], [["M1", "teacher_student"]])}))
    ingest = load(participants=path, config=CONFIG)
    assert {(p.id, p.role) for p in ingest.participants} == {("M1", "mentor"), ("E1", "mentee")}


def test_workbook_given_for_one_role_reads_that_roles_sheet(tmp_path):
    path = tmp_path / "school.xlsx"
    path.write_bytes(xlsx_bytes({"Наставники": (["id", "forms"], [["M1", "teacher_student"]]),
                                 "Наставляемые": (["id", "forms"], [["E1", "teacher_student"]])}))
    ingest = load(mentors=path, mentees=path, config=CONFIG)
    assert [(p.id, p.role) for p in ingest.participants] == [("M1", "mentor"), ("E1", "mentee")]


def test_instruction_sheet_before_the_questionnaire_is_passed_over(tmp_path):
    path = tmp_path / "form.xlsx"
    path.write_bytes(xlsx_bytes({"Читать первым": (["Как заполнять"], [["Пишите разборчиво"]]),
                                 "Лист2": (["ID", "Форма наставничества"], [["M1", "учитель-ученик"]])}))
    ingest = load_mentors(path)
    assert ingest.report.errors == []
    assert [p.id for p in ingest.participants] == ["M1"]


def test_xlsx_cells_keep_their_types_numbers_dates_and_bools(tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["id", "forms", "birth_date", "capacity", "consent", "experience_years"])
    ws.append([101, "teacher_student", dt.datetime(1980, 5, 17), 2, True, 3.5])
    path = tmp_path / "mentors.xlsx"
    wb.save(path)
    p, = load_mentors(path).participants
    assert (p.id, p.birth_date, p.capacity, p.consent, p.experience_years) == (
        "101", dt.date(1980, 5, 17), 2, True, 3.5)


def test_read_tables_reports_a_missing_file_instead_of_raising(tmp_path):
    report = ProblemReport()
    assert read_tables(tmp_path / "nope.csv", "mentor", report) == []
    assert [p.code for p in report.problems] == ["io.file_not_found"]


def test_a_directory_given_as_a_file_is_reported_as_unreadable(tmp_path):
    report = ProblemReport()
    assert read_tables(tmp_path, "mentor", report) == []
    assert [(p.code, p.file) for p in report.problems] == [("io.unreadable", str(tmp_path))]


def test_excel_separator_hint_line_is_obeyed_and_not_counted_as_a_row(tmp_path):
    path = tmp_path / "mentors.csv"
    path.write_text("sep=;\nid;name;forms\nM1;Петрова, Анна;teacher_student\n", encoding="utf-8")
    p, = load_mentors(path).participants
    assert (p.id, p.name, p.source_row) == ("M1", "Петрова, Анна", 2)


# --- workbooks through calamine: ODS, XLS, formulas without values ----------------------

def test_ods_workbook_with_role_sheets_is_read_and_its_instructions_skipped(tmp_path):
    from workbooks import ods_bytes

    path = tmp_path / "school.ods"
    path.write_bytes(ods_bytes({
        "Инструкция": [["Заполните листы «Наставники» и «Наставляемые»"]],
        "Наставники": [HEADER, *ROWS],
        "Наставляемые": [["ID", "Форма наставничества", "Класс", "Возраст"], ["E1", "учитель-ученик", "7Б", 13]],
    }))
    ingest = load(participants=path, config=CONFIG)
    assert ingest.report.errors == []
    assert [(p.id, p.role, p.source_row) for p in ingest.participants] == [
        ("M1", "mentor", 2), ("M2", "mentor", 3), ("E1", "mentee", 2)]
    assert ingest.participants[2].age == 13 and ingest.participants[2].grade == 7
    assert ingest.participants[0].source_file == f"{path}[Наставники]"


def test_xls_workbook_from_old_excel_is_read_with_numbers_and_dates(tmp_path):
    import datetime as dt

    from workbooks import xls_bytes

    path = tmp_path / "mentors.xls"
    path.write_bytes(xls_bytes({"Лист1": [["id", "forms", "birth_date", "capacity"],
                                          [101, "teacher_student", dt.date(1980, 5, 17), 2]]}))
    p, = load_mentors(path).participants
    assert (p.id, p.birth_date, p.capacity) == ("101", dt.date(1980, 5, 17), 2)


def test_password_protected_or_broken_xls_is_reported_not_raised(tmp_path):
    path = tmp_path / "mentors.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    ingest = load_mentors(path)
    assert [p.code for p in ingest.report.errors] == ["io.bad_xls"]


def test_xlsx_rows_keep_their_spreadsheet_numbers_when_the_table_starts_lower_and_to_the_right(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws["C3"], ws["D3"] = "id", "forms"
    ws["C4"], ws["D4"] = "M1", "teacher_student"
    ws["C6"], ws["D6"] = "M2", "teacher_student"
    path = tmp_path / "mentors.xlsx"
    wb.save(path)
    ingest = load_mentors(path)
    assert ingest.report.errors == []
    assert [(p.id, p.source_row) for p in ingest.participants] == [("M1", 4), ("M2", 6)]


def test_xlsx_formula_without_a_computed_value_is_an_error_at_its_cell(tmp_path):
    from workbooks import xlsx_with_formulas

    path = tmp_path / "mentors.xlsx"
    path.write_bytes(xlsx_with_formulas([["id", "name", "forms", "age", "Итого"],
                                         ["M1", '=CONCATENATE("Анна"," Петрова")', "teacher_student", "=30+11", "=1+1"],
                                         ["M2", "Пётр", "teacher_student", 35, ""]]))
    ingest = load_mentors(path)
    sheet = f"{path}[Лист1]"
    assert [(p.code, p.file, p.row, p.column, p.value) for p in ingest.report.errors] == [
        ("io.formula_no_value", sheet, 2, "name", 'CONCATENATE("Анна"," Петрова")'),
        ("io.formula_no_value", sheet, 2, "age", "30+11"),
    ]
    assert [p.id for p in ingest.participants] == ["M2"]  # not M1 without a name and an age


def test_xlsx_formula_with_a_computed_value_reads_the_value(tmp_path):
    from workbooks import xlsx_with_formulas

    path = tmp_path / "mentors.xlsx"
    path.write_bytes(xlsx_with_formulas([["id", "forms", "age"], ["M1", "teacher_student", "=30+11"]],
                                        cached={"C2": "41"}))
    ingest = load_mentors(path)
    assert ingest.report.errors == []
    assert ingest.participants[0].age == 41


def test_ods_formula_without_a_computed_value_is_an_error_at_its_cell(tmp_path):
    from workbooks import Formula, ods_bytes

    path = tmp_path / "mentors.ods"
    path.write_bytes(ods_bytes({"Лист1": [["id", "forms", "age"], ["M1", "teacher_student", Formula("[.D1]*2")]]}))
    ingest = load_mentors(path)
    assert [(p.code, p.row, p.column, p.value) for p in ingest.report.errors] == [
        ("io.formula_no_value", 2, "age", "[.D1]*2")]


def test_reading_a_workbook_does_not_load_openpyxl(tmp_path):
    # openpyxl costs ~2 µs a cell; reading goes through calamine, openpyxl stays for writing.
    import subprocess
    import sys

    path = tmp_path / "mentors.xlsx"
    path.write_bytes(xlsx_bytes({"Лист1": (HEADER, ROWS)}))
    code = ("import sys\nfrom matcher.io import load\n"
            f"ingest = load(mentors={str(path)!r})\n"
            "assert [p.id for p in ingest.participants] == ['M1', 'M2'], ingest.report.render()\n"
            "print('openpyxl' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- CSV line endings and damage ------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "cp1251", "mac_cyrillic"])
def test_csv_with_cr_only_line_endings_from_old_excel_for_mac_reads_every_row(tmp_path, encoding):
    path = tmp_path / "mentors.csv"
    text = "\r".join(";".join(r) for r in [HEADER, *ROWS]).replace("шахматы; музыка", '"шахматы; музыка"')
    path.write_bytes(text.encode(encoding) + b"\r")
    ingest = load_mentors(path)
    assert ingest.report.errors == []
    assert [(p.id, p.name, p.source_row) for p in ingest.participants] == [
        ("M1", "Петрова Анна Ивановна", 2), ("M2", "Ёлкин Пётр", 3)]


def test_nul_byte_in_one_cell_is_reported_at_its_row_and_column_and_the_other_rows_are_read(tmp_path):
    path = tmp_path / "mentors.csv"
    path.write_bytes("id;ФИО;forms\r\nM1;Петрова\x00 Анна;teacher_student\r\nM2;Ёлкин Пётр;teacher_student\r\n"
                     .encode("utf-8"))
    ingest = load_mentors(path)
    assert [(p.code, p.row, p.column) for p in ingest.report.errors] == [("io.nul_byte", 2, "ФИО")]
    assert [p.name for p in ingest.participants] == ["Петрова Анна", "Ёлкин Пётр"]


def test_decode_tells_mac_cyrillic_from_cp1251_by_its_capital_letters():
    text = "id;name\rE1;Мария Яковлева\rE2;Пётр Ёлкин\r"
    assert decode(text.encode("mac_cyrillic")) == text
    assert decode(text.encode("cp1251")) == text
