"""Round trip: participants written as questionnaires by matcher.io.writers (CSV in each
encoding and separator, XLSX) and read back by matcher.io.load() are the same participants."""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.config import load_config
from matcher.io import load
from matcher.io.writers import csv_bytes, participant_table, xlsx_bytes
from matcher.models import ANY_SET, CATEGORY_ALIASES, NO_SET, WISH_NAMES, Participant
from matcher.text import norm

CONFIG = load_config()
REFERENCE = CONFIG.reference_date()
FORMS = CONFIG.form_ids
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text a Russian school's forms hold and cp1251 can encode; never starting with = + - @.
LOWER = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяabcdefghijklmnopqrstuvwxyz"
UPPER = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯABCDEFGHIJKLMNOPQRSTUVWXYZ"
LETTERS = "АБВГДЕЖЗИКЛМН"  # grade letters


def word(min_size=2):
    return st.text(LOWER, min_size=min_size, max_size=8)


name_word = st.builds(lambda first, rest: first + rest, st.sampled_from(UPPER), st.text(LOWER, min_size=1, max_size=9))
# Names may hold separators and newlines: the writer quotes them, the reader must keep them.
name = st.builds(lambda words, joins: "".join(w + j for w, j in zip(words, joins)).strip(),
                 st.lists(name_word, min_size=1, max_size=3),
                 st.lists(st.sampled_from([" ", " ", ", ", "; ", "\n", "\t"]), min_size=3, max_size=3))


def items(max_size=3):
    """A multi-valued answer: unique words (after case folding), none of them 'any' or 'no'."""
    return st.lists(word().filter(lambda w: norm(w) not in ANY_SET | NO_SET), max_size=max_size,
                    unique_by=lambda w: w.casefold().replace("ё", "е"))


def maybe(strategy):
    return st.one_of(st.none(), strategy)


half_years = st.integers(10, 200).map(lambda v: v / 2)  # 5.0 .. 100.0, halves allowed
ages = st.one_of(st.integers(5, 100).map(float), half_years)


@st.composite
def person(draw, pid: str) -> dict:
    role = draw(st.sampled_from(["mentor", "mentee", "both"]))
    capacity = draw(st.integers(0, 50))
    group_min = draw(maybe(st.integers(1, capacity if capacity else 50)))
    grade = draw(maybe(st.integers(1, 11)))
    lo = draw(maybe(st.integers(5, 100)))
    hi = draw(maybe(st.integers(lo or 5, 100)))
    return dict(
        id=pid, name=draw(name), role=role,
        category=draw(maybe(st.sampled_from(list(CATEGORY_ALIASES)))),
        forms=draw(st.lists(st.sampled_from(FORMS), min_size=1, max_size=3, unique=True)),
        age=draw(maybe(ages)),
        birth_date=draw(maybe(st.dates(dt.date(REFERENCE.year - 99, 1, 1), dt.date(REFERENCE.year - 6, 1, 1)))),
        gender=draw(maybe(st.sampled_from(["f", "m"]))),
        grade=grade, grade_letter=draw(maybe(st.sampled_from(LETTERS))) if grade else None,
        subjects=draw(items()), interests=draw(items()), offers=draw(items()), needs=draw(items()),
        availability=draw(items(2)),
        experience_years=draw(maybe(st.one_of(st.integers(0, 60).map(float), st.integers(0, 120).map(lambda v: v / 2)))),
        capacity=capacity, group_min=group_min,
        consent=draw(maybe(st.booleans())), data_consent=draw(maybe(st.booleans())),
        guardian_consent=draw(maybe(st.booleans())), trained=draw(maybe(st.booleans())),
        priority=draw(st.integers(0, 5)),
        psych=draw(st.dictionaries(st.sampled_from(["psych_extraversion", "psych_anxiety", "psych_лидерство"]),
                                   st.integers(-40, 40).map(lambda v: v / 4), max_size=3)),
        want_gender=draw(maybe(st.sampled_from(["f", "m"]))),
        want_age_min=None if lo is None else float(lo), want_age_max=None if hi is None else float(hi),
        want_interests=draw(items(2)), want_offers=draw(items(2)),
        hard_wishes=draw(st.lists(st.sampled_from(WISH_NAMES), max_size=4, unique=True)),
        program=draw(maybe(word(3))),
        sensitive=draw(st.dictionaries(st.sampled_from(["health", "register", "family", "notes"]), word(3),
                                       max_size=2)),
    )


@st.composite
def participants(draw) -> list[Participant]:
    ids = draw(st.lists(st.text("ABCDEHKMPTXZАБВГДЕЖИКЛМН0123456789", min_size=1, max_size=6)
                        .filter(lambda s: norm(s) not in ANY_SET), min_size=1, max_size=8, unique=True))
    people = [draw(person(pid)) for pid in ids]
    for p in people:
        others = [i for i in ids if i != p["id"]]
        if others:
            p["ranking"] = draw(st.lists(st.sampled_from(others), max_size=3, unique=True))
            p["avoid"] = draw(st.lists(st.sampled_from(others), max_size=2, unique=True))
    people[0]["guardian_consent"] = True  # the file then has a guardian-consent column for its minors
    return [Participant.model_validate(p) for p in people]


def model_fields(people):
    return [p.model_dump(exclude={"source_file", "source_row"}) for p in people]


def read_back(data: bytes, suffix: str, **where):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"questionnaires{suffix}"
        path.write_bytes(data)
        ingest = load(**{k: path for k in where}, config=CONFIG)
    assert ingest.report.errors == [], [p.render("en") for p in ingest.report.errors]
    return ingest.participants


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
@SETTINGS
@given(people=participants(), lang=st.sampled_from(["en", "ru"]))
def test_csv_round_trip_gives_the_same_participants(encoding, delimiter, people, lang):
    headers, rows = participant_table(people, lang=lang)
    data = csv_bytes(headers, rows, encoding=encoding, delimiter=delimiter, safe=False)
    assert model_fields(read_back(data, ".csv", participants=True)) == model_fields(people)


@SETTINGS
@given(people=participants(), lang=st.sampled_from(["en", "ru"]))
def test_xlsx_round_trip_gives_the_same_participants(people, lang):
    data = xlsx_bytes({"Лист1": participant_table(people, lang=lang)}, safe=False)
    assert model_fields(read_back(data, ".xlsx", participants=True)) == model_fields(people)


@SETTINGS
@given(people=participants(), lang=st.sampled_from(["en", "ru"]))
def test_workbook_with_mentor_and_mentee_sheets_round_trips(people, lang):
    mentors = [p for p in people if p.role != "mentee"]
    mentees = [p for p in people if p.role == "mentee"]
    sheets = {}
    if mentors:
        sheets["Наставники"] = participant_table(mentors, lang=lang)
    if mentees:
        sheets["Наставляемые"] = participant_table(mentees, lang=lang)
    for sheet in sheets.values():  # every sheet needs its own guardian-consent column for minors
        headers, rows = sheet
        if not any(h in ("guardian_consent", "Согласие законного представителя") for h in headers):
            headers.append("guardian_consent")
            for row in rows:
                row.append("")
    got = read_back(xlsx_bytes(sheets, safe=False), ".xlsx", participants=True)
    assert model_fields(got) == model_fields(mentors + mentees)


@SETTINGS
@given(people=participants())
def test_formula_like_text_survives_the_safe_writer(people):
    people = [p.model_copy(update={"name": "=" + p.name, "program": "+" + (p.program or "x")}) for p in people]
    headers, rows = participant_table(people)
    data = csv_bytes(headers, rows, delimiter=";", safe=True)
    assert b";=" not in data  # the writer neutralised them...
    assert model_fields(read_back(data, ".csv", participants=True)) == model_fields(people)  # ...the reader undoes it
