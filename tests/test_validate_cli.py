"""`matcher validate` on a corpus of malformed questionnaires: every one ends with exit code 1
and a `file:row:column: message` line in Russian and in English, never a traceback.
Valid input prints the summary and exits 0."""
from __future__ import annotations

import io as _io
from dataclasses import dataclass, field

import pytest
from click.testing import CliRunner

from matcher.cli import main
from matcher.io.writers import xlsx_bytes

MENTORS = ("id,name,category,forms,age,gender,capacity,consent,data_consent\n"
           "M1,Анна Петрова,teacher,teacher_student,40,f,2,yes,yes\n"
           "M2,Олег Орлов,teacher,teacher_student,45,m,1,yes,yes\n")
MENTEES = ("id,name,category,forms,age,grade,consent,data_consent,guardian_consent\n"
           "E1,Иван Иванов,student,teacher_student,13,7Б,yes,yes,yes\n"
           "E2,Мария Смирнова,student,teacher_student,12,6А,yes,yes,yes\n")
MENTEE_HEADER = MENTEES.splitlines()[0]


def mentees_with(*rows: str) -> str:
    return MENTEE_HEADER + "\n" + "".join(r + "\n" for r in rows)


def mentors_with(header: str, *rows: str) -> str:
    return header + "\n" + "".join(r + "\n" for r in rows)


def empty_workbook() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Лист1"
    wb.create_sheet("Лист2")
    buf = _io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def ods_bytes() -> bytes:
    import zipfile

    buf = _io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


@dataclass
class Case:
    """Files to write, the validate arguments (file names are replaced by their paths), and
    the expected problem: where (`file:row:column`, file by name) and what, in English and Russian."""

    name: str
    files: dict[str, str | bytes]
    where: str
    en: str
    ru: str
    args: list[str] = field(default_factory=lambda: ["--mentors", "mentors.csv", "--mentees", "mentees.csv"])
    absent: tuple[str, ...] = ()  # English texts that must not be printed (consequences of the problem)


def both(mentees: str | bytes, **kw) -> dict:
    return {"mentors.csv": MENTORS, "mentees.csv": mentees, **kw}


def formula_xlsx() -> bytes:
    from workbooks import xlsx_with_formulas

    return xlsx_with_formulas([MENTEE_HEADER.split(","), ["E1", "Иван", "student", "teacher_student", "=DATEDIF(F1,G1)",
                                                          "7Б", "yes", "yes", "yes"]])


def formula_ods() -> bytes:
    from workbooks import Formula, ods_bytes

    return ods_bytes({"Лист1": [MENTEE_HEADER.split(","), ["E1", Formula('[.B1]&" Иванов"'), "student",
                                                          "teacher_student", 13, "7Б", "yes", "yes", "yes"]]})


def xls_with(rows: list[list]) -> bytes:
    from workbooks import xls_bytes

    return xls_bytes({"Лист1": [MENTEE_HEADER.split(","), *rows]})


def ods_with(rows: list[list]) -> bytes:
    from workbooks import ods_bytes

    return ods_bytes({"Лист1": [MENTEE_HEADER.split(","), *rows]})


MENTORS_RANKING = mentors_with("id,forms,Выбор после быстрых встреч", "M1,teacher_student,E1; E2",
                               "M2,teacher_student,E2")


CORPUS = [
    Case("empty file", both(b""), "mentees.csv", "the file is empty", "файл пуст"),
    Case("only blank lines", both(b"\r\n  \r\n;;\r\n"), "mentees.csv", "the file is empty", "файл пуст"),
    Case("header only", both(MENTEE_HEADER + "\n"), "mentees.csv",
         "the file has a header row but no data rows", "в файле есть строка заголовков, но нет ни одной строки с данными"),
    Case("binary file", both(bytes(range(256)) * 8), "mentees.csv",
         "the file is not a table (CSV, XLSX, XLS or ODS expected)",
         "файл не похож на таблицу (ожидается CSV, XLSX, XLS или ODS)"),
    Case("image renamed to csv", both(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), "mentees.csv",
         "the file is not a table (CSV, XLSX, XLS or ODS expected) (PNG)",
         "файл не похож на таблицу (ожидается CSV, XLSX, XLS или ODS) (PNG)"),
    Case("broken or password-protected xls workbook",
         {"mentors.csv": MENTORS, "mentees.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512},
         "mentees.xls", "cannot open the file as an Excel 97–2003 workbook (XLS); if the workbook has a password, "
                        "save it without one",
         "файл не удалось открыть как книгу Excel 97–2003 (XLS); если книга защищена паролем, сохраните её без пароля",
         ["--mentors", "mentors.csv", "--mentees", "mentees.xls"]),
    Case("xlsx with no usable sheet", {"school.xlsx": empty_workbook()}, "school.xlsx",
         "the workbook has no sheet with a table: every sheet is empty", "в книге нет листа с таблицей: все листы пусты",
         ["--participants", "school.xlsx"]),
    Case("broken xlsx", {"school.xlsx": b"PK\x03\x04" + b"\x13" * 200}, "school.xlsx",
         "cannot open the file as an Excel workbook (XLSX)", "файл не удалось открыть как книгу Excel (XLSX)",
         ["--participants", "school.xlsx"]),
    Case("a cell larger than any questionnaire answer", both(mentees_with("E1,\"" + "я" * 200_000 + "\",student")),
         "mentees.csv:2", "a cell longer than 131,072 characters is not a questionnaire answer",
         "ячейка длиннее 131\u202f072 символов: это не похоже на ответ анкеты"),
    Case("broken ods spreadsheet", {"school.ods": ods_bytes()}, "school.ods",
         "cannot open the file as an OpenDocument workbook (ODS)",
         "файл не удалось открыть как книгу OpenDocument (ODS)",
         ["--participants", "school.ods"]),
    Case("file not found", {"mentors.csv": MENTORS}, "mentees.csv", "file not found", "файл не найден"),
    Case("utf-8 garbled through cp1251", both("Идентификатор;Форма наставничества\nE1;учитель-ученик\n"
                                              .encode("utf-8").decode("cp1251", errors="replace").encode("utf-8")),
         "mentees.csv", "required column 'id' is missing", "нет обязательного столбца «Идентификатор»"),
    Case("cp1251 with a misspelt form", both(mentees_with("E1,Иван,student,учитель-учиник,13,7Б,да,да,да")
                                             .encode("cp1251")),
         "mentees.csv:2:forms", "unknown form of mentoring 'учитель-учиник'; did you mean 'Учитель – ученик'?",
         "неизвестная форма наставничества «учитель-учиник»; возможно, имелась в виду «Учитель – ученик»"),
    Case("pipe as separator", both("id|forms\nE1|teacher_student\n"), "mentees.csv:1:id|forms",
         "the file has only one column: the separator must be ',', ';' or a tab",
         "в файле найден только один столбец: разделителем должны быть «,», «;» или табуляция"),
    Case("duplicate id in one file", both(mentees_with("E1,А,student,teacher_student,13,7Б,yes,yes,yes",
                                                       "E1,Б,student,teacher_student,13,7Б,yes,yes,yes")),
         "mentees.csv:3:id", "id 'E1' is already used at {mentees.csv}:2", "идентификатор «E1» уже использован: {mentees.csv}:2"),
    Case("duplicate id across files", both(mentees_with("M2,Б,student,teacher_student,13,7Б,yes,yes,yes")),
         "mentees.csv:2:id", "id 'M2' is already used at {mentors.csv}:3", "идентификатор «M2» уже использован: {mentors.csv}:3"),
    Case("missing id column", both("name,forms\nИван,teacher_student\n"), "mentees.csv",
         "required column 'id' is missing", "нет обязательного столбца «Идентификатор»"),
    Case("missing role column", {"people.csv": "id,forms\nE1,teacher_student\n"}, "people.csv",
         "required column 'role' is missing", "нет обязательного столбца «Роль»", ["--participants", "people.csv"]),
    Case("missing forms column", both("id,name\nE1,Иван\n"), "mentees.csv",
         "required column 'forms' is missing", "нет обязательного столбца «Форма»"),
    Case("age is not a number", both(mentees_with("E3,В,student,teacher_student,пятнадцать,7Б,yes,yes,yes")),
         "mentees.csv:2:age", "'пятнадцать' is not a number", "«пятнадцать» — не число"),
    Case("age out of range", both(mentees_with("E3,В,student,teacher_student,3,1А,yes,yes,yes")),
         "mentees.csv:2:age", "value 3 is outside the allowed range 5–100", "значение 3 вне допустимого диапазона 5–100"),
    Case("fractional capacity", {"mentors.csv": mentors_with("id,forms,capacity", "M1,teacher_student,\"2,5\""),
                                 "mentees.csv": MENTEES},
         "mentors.csv:2:capacity", "'2,5' is not a whole number", "«2,5» — не целое число"),
    Case("negative capacity", {"mentors.csv": mentors_with("id;forms;capacity", "M1;teacher_student;-1"),
                               "mentees.csv": MENTEES},
         "mentors.csv:2:capacity", "value -1 is outside the allowed range 0–50",
         "значение -1 вне допустимого диапазона 0–50"),
    Case("grade 12", both(mentees_with("E3,В,student,teacher_student,17,12,yes,yes,yes")),
         "mentees.csv:2:grade", "grade 12 is outside the range 1–11", "класс 12 вне диапазона 1–11"),
    Case("grade in words", both(mentees_with("E3,В,student,teacher_student,13,седьмой,yes,yes,yes")),
         "mentees.csv:2:grade", "'седьмой' is not a grade", "«седьмой» — не класс"),
    Case("impossible date", {"mentors.csv": MENTORS, "mentees.csv": "id,forms,birth_date,guardian_consent\n"
                                                                   "E1,teacher_student,31.02.2013,да\n"},
         "mentees.csv:2:birth_date", "'31.02.2013' is not a date: DD.MM.YYYY or YYYY-MM-DD expected",
         "«31.02.2013» — не дата: ожидается ДД.ММ.ГГГГ или ГГГГ-ММ-ДД"),
    Case("birth date in the future", {"mentors.csv": MENTORS, "mentees.csv": "id,forms,birth_date,guardian_consent\n"
                                                                             "E1,teacher_student,2030-01-01,да\n"},
         "mentees.csv:2:birth_date", "birth date 01.01.2030 gives age -4 at 2026-09-01, outside 5–100",
         "по дате рождения 01.01.2030 возраст на 01.09.2026 — -4, а допустимо 5–100"),
    Case("unknown category", both(mentees_with("E3,В,учиник,teacher_student,13,7Б,yes,yes,yes")),
         "mentees.csv:2:category", "unknown category 'учиник'; did you mean 'ученик'?",
         "неизвестная категория «учиник»; возможно, имелась в виду «ученик»"),
    Case("unknown role", {"people.csv": "id,role,forms\nE1,куратор,teacher_student\n"}, "people.csv:2:role",
         "unknown role 'куратор': 'mentor' or 'mentee' expected",
         "неизвестная роль «куратор»: ожидается «наставник» или «наставляемый»", ["--participants", "people.csv"]),
    Case("unknown gender", {"mentors.csv": mentors_with("ID;Форма;Пол", "M1;учитель-ученик;средний"),
                            "mentees.csv": MENTEES},
         "mentors.csv:2:Пол", "unknown gender 'средний': 'f' or 'm' expected",
         "неизвестное значение пола «средний»: ожидается «ж» или «м»"),
    Case("yes/no garbage", both(mentees_with("E3,В,student,teacher_student,13,7Б,наверное,yes,yes")),
         "mentees.csv:2:consent", "'наверное': 'yes' or 'no' expected", "«наверное» — ожидается «да» или «нет»"),
    Case("unknown id in avoid", {"mentors.csv": MENTORS, "mentees.csv": "id,forms,avoid,guardian_consent\n"
                                                                        "E1,teacher_student,M1; M7,да\n"},
         "mentees.csv:2:avoid", "id 'M7' is named but is not in any input file",
         "указан идентификатор «M7», которого нет ни в одном файле"),
    Case("unknown id in ranking", {"mentors.csv": mentors_with("id,forms,Выбор после быстрых встреч",
                                                               "M1,teacher_student,E2; E5"),
                                   "mentees.csv": MENTEES},
         "mentors.csv:2:Выбор после быстрых встреч", "id 'E5' is named but is not in any input file",
         "указан идентификатор «E5», которого нет ни в одном файле"),
    Case("minor without guardian consent column", both("id,forms,age\nE1,teacher_student,13\n"),
         "mentees.csv:2:age", "the participant is a minor (aged 13 at 2026-09-01) and the file has no guardian-consent column",
         "участник несовершеннолетний (13 лет на 01.09.2026), а в файле нет столбца согласия законного представителя"),
    Case("bad mapping toml", {**both(MENTEES), "map.toml": "[columns\nid = 'Код'\n"}, "map.toml",
         "the mapping file is not valid TOML", "файл сопоставления не является корректным TOML",
         ["--mentors", "mentors.csv", "--mentees", "mentees.csv", "--mapping", "map.toml"]),
    Case("mapping names an unknown field", {**both(MENTEES), "map.toml": '[columns]\ngendr = "Ваш пол"\n'},
         "map.toml:-:columns.gendr", "unknown field 'gendr' in the mapping file; did you mean 'gender'?",
         "неизвестное поле «gendr» в файле сопоставления; возможно, имелось в виду «gender»",
         ["--mentors", "mentors.csv", "--mentees", "mentees.csv", "--mapping", "map.toml"]),
    Case("two columns for one field", {"mentors.csv": mentors_with("id,forms,Пол,gender", "M1,teacher_student,ж,f"),
                                       "mentees.csv": MENTEES},
         "mentors.csv:1:gender", "columns 'Пол' and 'gender' both mean field gender",
         "столбцы «Пол» и «gender» оба означают поле gender"),
    Case("unquoted separator in a name", {"mentors.csv": mentors_with("id,name,forms", "M1,Петрова, Анна,teacher_student"),
                                          "mentees.csv": MENTEES},
         "mentors.csv:2", "the row has 4 cells but the header has 3 columns",
         "ячеек в строке: 4, а столбцов в заголовке: 3"),
    Case("group minimum above capacity", {"mentors.csv": mentors_with("id,forms,capacity,group_min",
                                                                      "M1,teacher_student,2,3"),
                                          "mentees.csv": MENTEES},
         "mentors.csv:2:group_min", "the group minimum (3) is larger than the mentor's capacity (2)",
         "минимальный размер группы (3) больше числа мест у наставника (2)"),
    Case("experience beyond a career", {"mentors.csv": mentors_with("id,forms,Стаж", "M1,teacher_student,70"),
                                        "mentees.csv": MENTEES},
         "mentors.csv:2:Стаж", "value 70 is outside the allowed range 0–60", "значение 70 вне допустимого диапазона 0–60"),
    Case("negative priority", both("id,forms,priority,guardian_consent\nE1,teacher_student,-1,да\n"),
         "mentees.csv:2:priority", "value -1 is below the allowed minimum 0", "значение -1 меньше допустимого минимума 0"),
    Case("mentee row in the mentors file", {"mentors.csv": mentors_with("id,role,forms", "M1,наставляемый,teacher_student"),
                                            "mentees.csv": MENTEES},
         "mentors.csv:2:role", "role 'наставляемый' does not fit a file of mentors",
         "роль «наставляемый» не подходит для файла наставников"),
    Case("empty id cell", both(mentees_with(",В,student,teacher_student,13,7Б,yes,yes,yes")),
         "mentees.csv:2:id", "empty cell in a required column", "пустая ячейка в обязательном столбце"),
    Case("psych score not a number", both("id,forms,psych_extraversion,guardian_consent\nE1,teacher_student,высокая,да\n"),
         "mentees.csv:2:psych_extraversion", "'высокая' is not a number", "«высокая» — не число"),
    Case("xlsx formula without a computed value", {"mentors.csv": MENTORS, "mentees.xlsx": formula_xlsx()},
         "mentees.xlsx[Лист1]:2:age",
         "the cell holds the formula '=DATEDIF(F1,G1)' without a computed value (the file was written by a program): "
         "open the file in Excel or LibreOffice and save it",
         "в ячейке формула «=DATEDIF(F1,G1)», но её значение не вычислено (файл записан программой): "
         "откройте файл в Excel или LibreOffice и сохраните его",
         ["--mentors", "mentors.csv", "--mentees", "mentees.xlsx"]),
    Case("ods formula without a computed value", {"mentors.csv": MENTORS, "mentees.ods": formula_ods()},
         "mentees.ods[Лист1]:2:name",
         "the cell holds the formula '=[.B1]&\" Иванов\"' without a computed value",
         "в ячейке формула «=[.B1]&\" Иванов\"», но её значение не вычислено",
         ["--mentors", "mentors.csv", "--mentees", "mentees.ods"]),
    Case("id of only a zero-width space", both(mentees_with("\u200b,В,student,teacher_student,13,7Б,yes,yes,yes")),
         "mentees.csv:2:id",
         "the id consists only of invisible characters (such as a zero-width space): it cannot be typed; "
         "write a visible code",
         "идентификатор состоит только из невидимых символов (например, пробела нулевой ширины): "
         "его нельзя набрать; впишите видимый код"),
    Case("cr-only line endings from old excel for mac",
         both((MENTEE_HEADER.replace(",", ";") + "\rE1;Иван;student;teacher_student;13;7Б;да;да;да\r"
               "E3;В;student;teacher_student;пятнадцать;7Б;да;да;да\r").encode("mac_cyrillic")),
         "mentees.csv:3:age", "'пятнадцать' is not a number", "«пятнадцать» — не число"),
    Case("nul byte in a cell", both(mentees_with("E1,Ив\x00ан,student,teacher_student,13,7Б,yes,yes,yes",
                                                 "E2,Мария,student,teacher_student,12,6А,yes,yes,yes")),
         "mentees.csv:2:name",
         "the cell holds a NUL byte: the file is damaged or not saved as text; the character is dropped, "
         "check the value",
         "в ячейке нулевой байт (NUL): файл повреждён или сохранён не как текст; символ удалён, проверьте значение"),
    Case("unreadable mentees file named by the mentors' rankings",
         {"mentors.csv": MENTORS_RANKING, "mentees.csv": bytes(range(256)) * 8}, "mentees.csv",
         "the file is not a table (CSV, XLSX, XLS or ODS expected)",
         "файл не похож на таблицу (ожидается CSV, XLSX, XLS или ODS)", absent=("is not in any input file",)),
    Case("missing mentees file named by the mentors' rankings", {"mentors.csv": MENTORS_RANKING},
         "mentees.csv", "file not found", "файл не найден", absent=("is not in any input file",)),
    Case("xls workbook with a grade out of range",
         {"mentors.csv": MENTORS,
          "mentees.xls": xls_with([["E1", "Иван", "student", "teacher_student", 17, 12, "yes", "yes", "yes"]])},
         "mentees.xls[Лист1]:2:grade", "grade 12 is outside the range 1–11", "класс 12 вне диапазона 1–11",
         ["--mentors", "mentors.csv", "--mentees", "mentees.xls"]),
    Case("ods workbook with an unknown category",
         {"mentors.csv": MENTORS,
          "mentees.ods": ods_with([["E1", "Иван", "учиник", "teacher_student", 13, "7Б", "да", "да", "да"]])},
         "mentees.ods[Лист1]:2:category", "unknown category 'учиник'; did you mean 'ученик'?",
         "неизвестная категория «учиник»; возможно, имелась в виду «ученик»",
         ["--mentors", "mentors.csv", "--mentees", "mentees.ods"]),
    Case("unknown hard wish", both("id,forms,Обязательные пожелания,guardian_consent\nE1,teacher_student,рост,да\n"),
         "mentees.csv:2:Обязательные пожелания", "unknown wish 'рост': gender, age, interests or offers expected",
         "неизвестное пожелание «рост»: допустимы пол, возраст, интересы, помощь"),
]


def materialise(tmp_path, case: Case) -> tuple[list[str], str, str, str]:
    for name, content in case.files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
    names = {a for a in case.args if "." in a} | set(case.files) | {case.where.split(":")[0]}

    def resolve(text: str) -> str:
        for name in names:
            text = text.replace("{" + name + "}", str(tmp_path / name))
        return text

    args = [str(tmp_path / a) if a in names else a for a in case.args]
    first, *rest = case.where.split(":")
    where = ":".join([str(tmp_path / first), *rest])
    return args, where, resolve(case.en), resolve(case.ru)


def run(args: list[str]):
    return CliRunner().invoke(main, ["validate", *args])


def test_the_corpus_has_at_least_25_malformed_inputs():
    assert len(CORPUS) >= 25
    assert len({c.name for c in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("case", CORPUS, ids=[c.name for c in CORPUS])
def test_malformed_input_is_rejected_with_its_location_and_message(tmp_path, case, lang):
    args, where, en, ru = materialise(tmp_path, case)
    result = run([*args, "--lang", lang])
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output
    severity, message = ("error", en) if lang == "en" else ("ошибка", ru)
    assert f"{where}: {severity}: {message}" in result.output, result.output
    closing = "input rejected:" if lang == "en" else "входные данные отклонены:"
    assert closing in result.output
    if lang == "en":
        for text in case.absent:
            assert text not in result.output, result.output


# Inputs that are valid but hold rows that can never be paired: a warning, exit code 0.
WARNING_CORPUS = [
    Case("young teacher mentor only in student-student",
         {"mentors.csv": mentors_with("id,category,forms", "M1,молодой специалист,ученик-ученик"),
          "mentees.csv": MENTEES},
         "mentors.csv:2:category",
         "a mentor of category 'young teacher' is not allowed in any of the forms named ('Student – student') "
         "and will get no mentees",
         "наставник категории «молодой специалист» не допускается ни в одной из указанных им форм "
         "(«Ученик – ученик») и не получит наставляемых"),
    Case("teacher mentee only in teacher-student",
         both(mentees_with("E3,В,teacher,teacher_student,30,,yes,yes,")),
         "mentees.csv:2:category",
         "a mentee of category 'teacher' is not allowed in any of the forms named ('Teacher – student') "
         "and will not be paired",
         "наставляемый категории «учитель» не допускается ни в одной из указанных им форм («Учитель – ученик») "
         "и не попадёт в пару"),
    Case("guardian says no", both(mentees_with("E3,В,student,teacher_student,13,7Б,yes,yes,нет")),
         "mentees.csv:2:guardian_consent",
         "the legal guardian answered 'no' and the participant is a minor: they will not be paired",
         "законный представитель ответил «нет», а участник несовершеннолетний: он не попадёт в пару"),
    Case("guardian says no for a student of unknown age",
         both(mentees_with("E3,В,student,teacher_student,,7Б,yes,yes,нет")),
         "mentees.csv:2:guardian_consent",
         "the legal guardian answered 'no'; the age is not given and a student counts as a minor: "
         "the participant will not be paired",
         "законный представитель ответил «нет»; возраст не указан, а ученик считается несовершеннолетним: "
         "участник не попадёт в пару"),
    Case("mentee without age in adult-child",
         both(mentees_with("E3,В,student,adult_child,,7Б,yes,yes,yes")),
         "mentees.csv:2:age",
         "neither age nor birth date is given, and form 'Adult – child (“We are together”)' needs one "
         "(a minimum age gap with the mentor): the mentee will not be paired in it",
         "не указаны ни возраст, ни дата рождения, а в форме «Взрослый – ребёнок („Мы вместе“)» возраст нужен "
         "(минимальная разница в возрасте с наставником): в ней наставляемый не попадёт в пару"),
    Case("experienced teacher stating no kind of mentee teacher-teacher takes",
         both("id,name,category,forms,age,experience_years,consent,data_consent\n"
              "N1,Н,teacher,teacher_teacher,45,12,yes,yes\n"),
         "mentees.csv:2:forms",
         "the mentee passes the rules of none of the forms named and will not be paired: "
         "'Teacher – teacher': kind of mentee",
         "наставляемый не проходит правила ни одной из указанных им форм и не попадёт в пару: "
         "«Учитель – учитель»: категория наставляемого"),
]


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("case", WARNING_CORPUS, ids=[c.name for c in WARNING_CORPUS])
def test_a_row_that_can_never_be_paired_is_a_warning_with_its_location_and_message(tmp_path, case, lang):
    args, where, en, ru = materialise(tmp_path, case)
    result = run([*args, "--lang", lang])
    assert "Traceback" not in result.output
    assert result.exit_code == 0, result.output
    severity, message = ("warning", en) if lang == "en" else ("предупреждение", ru)
    assert f"{where}: {severity}: {message}" in result.output, result.output


def test_valid_input_prints_the_summary_and_exits_0(tmp_path):
    (tmp_path / "mentors.csv").write_text(MENTORS, encoding="utf-8")
    (tmp_path / "mentees.csv").write_text(MENTEES, encoding="utf-8")
    args = ["--mentors", str(tmp_path / "mentors.csv"), "--mentees", str(tmp_path / "mentees.csv")]
    en = run([*args, "--lang", "en"])
    assert en.exit_code == 0, en.output
    assert "Participants without errors: 4 (mentors: 2, mentees: 2, both roles: 0)" in en.output
    assert "  Teacher – student: 2 / 2" in en.output
    assert "  teacher: 2 / 0" in en.output and "  student: 0 / 2" in en.output
    assert "input is valid: no errors, 0 warnings" in en.output
    ru = run([*args, "--lang", "ru"])
    assert ru.exit_code == 0, ru.output
    assert "Участников без ошибок: 4 (наставников: 2, наставляемых: 2, в обеих ролях: 0)" in ru.output
    assert "  Учитель – ученик: 2 / 2" in ru.output
    assert "входные данные в порядке: ошибок нет, предупреждений — 0" in ru.output


def test_warnings_alone_do_not_reject_the_input(tmp_path):
    (tmp_path / "people.csv").write_text(
        "id,role,forms,capacity,Любимый цвет,consent,data_consent\n"
        "M1,наставник,teacher_student,0,синий,да,да\nE1,наставляемый,,,,,да\n", encoding="utf-8")
    result = run(["--participants", str(tmp_path / "people.csv"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert f"{tmp_path / 'people.csv'}:1:Любимый цвет: warning: column not recognised" in result.output
    assert f"{tmp_path / 'people.csv'}:2:capacity: warning: the mentor's capacity is 0" in result.output
    assert f"{tmp_path / 'people.csv'}:3:forms: warning: the mentee named no form" in result.output
    assert "Consent missing (no 'yes'): participation 1, personal-data processing 0" in result.output


def test_a_mapping_file_makes_a_google_forms_export_valid(tmp_path):
    (tmp_path / "map.toml").write_text(
        '[columns]\nid = ["Код наставника", "Код ученика"]\ngender = "Укажите, пожалуйста, ваш пол"\n'
        'forms = "Форма наставничества"\ncategory = "Кто вы?"\n'
        '[values.category]\n"Студент вуза" = "university_student"\n', encoding="utf-8")
    (tmp_path / "mentors.csv").write_text(
        "Отметка времени,Код наставника,\"Укажите, пожалуйста, ваш пол\",Форма наставничества,Кто вы?,ID\n"
        "25.11.2026 14:03:11,M1,Женский,Взрослый – ребёнок,Студент вуза,17\n", encoding="utf-8")
    (tmp_path / "mentees.csv").write_text(
        "Отметка времени;Код ученика;Укажите, пожалуйста, ваш пол;Форма наставничества;Кто вы?;"
        "Согласие законного представителя;Возраст\n"
        "25.11.2026 15:00:00;E1;мужской;«Мы вместе»;ученик;да;11\n", encoding="utf-8")
    result = run(["--mentors", str(tmp_path / "mentors.csv"), "--mentees", str(tmp_path / "mentees.csv"),
                  "--mapping", str(tmp_path / "map.toml"), "--lang", "ru"])
    assert result.exit_code == 0, result.output
    assert "  студент: 1 / 0" in result.output
    assert "Отметка времени" not in result.output


def test_usage_without_input_files_is_exit_2():
    result = CliRunner().invoke(main, ["validate", "--lang", "en"])
    assert result.exit_code == 2
