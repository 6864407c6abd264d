"""The Russian report reads as written by a person (issue 11, "Done when"): psychological
scales by the configuration's titles, words that agree with a woman's or a man's gender (and
need none when it is not given), nouns that agree with their numbers, quotes within quotes as
«…„…“…», one number format, and people named beside their codes — with their class or
category and subjects in the pairs list and the order's annex.

The programme: four forms whose mentee E<n> has exactly n other suitable mentors (n = 1, 2,
5, 21), a second mentee F<n> holding one of them; the mentors of form f1 are women, of f2 men,
of f5 people whose gender is not given. Expected words are written out here, not derived from
the catalogue.
"""
from __future__ import annotations

import copy
import json
import re

import pytest

from matcher.config import load_config
from matcher.explain import add_explanations
from matcher.explain_text import explain_text
from matcher.models import Participant, PairSpec
from matcher.pipeline import match
from matcher.report import build_view, render_report
from matcher.results import output_files, result_document
from matcher.wording import Words

SIZES = (1, 2, 5, 21)
FORM_GENDER = {1: "f", 2: "m", 5: None, 21: None}
NAMES = {"f": ("Смирнова", "Анна"), "m": ("Петров", "Иван"), None: ("Ким", "Саша")}
TITLES = {f"f{n}": f"Форма {n}" for n in SIZES} | {"f0": "Учитель – ученик («Шаг вперёд»)"}
ID = re.compile(r"\b(?:[RE]\d+_\d+|[EFU]\d+)\b")


def ru_form(n: int, one: str, few: str, many: str) -> str:
    """Russian agreement written out: 1, 21, 101 take `one`; 2–4, 22–24 `few`; the rest `many`."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    return few if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else many


def person(pid, role, form, gender=None, **kw):
    surname, name = NAMES[gender]
    base = dict(id=pid, name=f"{surname} {name} {pid.lower()}", role=role, gender=gender, forms=[form],
                category="teacher" if role == "mentor" else "student", age=40 if role == "mentor" else 13,
                consent=True, data_consent=True, guardian_consent=True, trained=True,
                psych={"psych_anxiety": len(pid) % 3, "psych_extraversion": len(pid) % 4,
                       "psych_leadership": len(pid) % 2})
    if role == "mentor":
        base["subjects"] = ["физика"]
    else:
        base.update(grade=7, grade_letter="А", subjects=["математика"])
    return Participant(**{**base, **kw})


def programme() -> list[Participant]:
    people = []
    for n in SIZES:
        people += [person(f"R{n}_{k}", "mentor", f"f{n}", FORM_GENDER[n], interests=["шахматы"]) for k in range(n + 1)]
        people += [person(f"E{n}", "mentee", f"f{n}", "f", interests=["шахматы"]),
                   person(f"F{n}", "mentee", f"f{n}", "m", interests=["шахматы"])]
    people.append(person("U1", "mentee", "f1", "f"))  # f1 has two mentors for three mentees: U1 is left out
    # f0: its one mentor has not been trained, which the form requires: U0 is one training away
    people += [person("R0_0", "mentor", "f0", "f", trained=False), person("U0", "mentee", "f0", "m")]
    return people


def config():
    forms = {f: {"title_ru": title, "title_en": f"Form {f}", "mentor_categories": ["teacher"],
                 "mentee_categories": ["student"], "require_trained": f == "f0"} for f, title in TITLES.items()}
    return load_config(overrides={"forms": forms, "psych": {"scales": {"leadership": {"title_ru": "лидерские качества"}}}})


@pytest.fixture(scope="module")
def doc() -> dict:
    result = match(programme(), config())
    doc = result_document(result)
    add_explanations(doc, result, top_k=25)  # every alternative kept, the report shows three
    return doc


def pair_of(doc, mentee_id):
    return next(p for p in doc["pairs"] if p["mentee_id"] == mentee_id)


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    text = text.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")
    return re.sub(r"[ \t\r\n]+", " ", text)  # not \s: the narrow no-break space between thousands stays


def worded(view: dict) -> list[str]:
    """Every sentence the report words (not the name and code columns it lays out)."""
    out = []

    def blocks(bs):
        for b in bs:
            out.extend([b["title"], b["text"]])
            for i in b["entries"]:
                out.extend([i["head"], i["text"], i["badge"], *i["sub"]])

    for u in view["units"]:
        for r in u["rows"]:
            blocks(r["explanation"])
            out.extend(c["reason"] for c in r["components"])
            out.append(r["alternatives_more"])
    for u in view["unmatched"]:
        out.append(u["reason"])
        blocks(u["explanation"]["main"] + u["explanation"]["more"])
    out += [m["why"] for m in view["free_mentors"]] + view["notes"]
    return [s for s in out if s]


def test_the_programme_has_pairs_with_1_2_5_and_21_alternatives(doc):
    for n in SIZES:
        ex = pair_of(doc, f"E{n}")["explanation"]
        assert len(ex["alternatives"]) == ex["mentor_candidates"] - 1 == n


def test_psychological_scales_are_named_by_the_configurations_titles(doc):
    text = visible_text(render_report(doc, "ru"))
    assert "«тревожность»" in text or "«экстраверсия»" in text or "«лидерские качества»" in text
    for raw in ("anxiety", "extraversion", "leadership", "psych_"):
        assert raw not in text, raw
    english = visible_text(render_report(doc, "en"))
    assert "'anxiety'" in english or "'extraversion'" in english or "'leadership'" in english
    csv = output_files(doc, lang="ru")["pairs.csv"].decode("utf-8-sig")
    assert "anxiety" not in csv and "extraversion" not in csv


def test_what_is_said_of_a_mentor_agrees_with_her_or_his_gender(doc):
    view = build_view(doc, "ru")
    gender = {p.id: p.gender for p in programme()}
    seen = set()
    for u in view["units"]:
        for r in u["rows"]:
            for b in r["explanation"]:
                for item in b["entries"]:
                    match_id = re.search(r"\((R[^()]+)\), оценка", item["head"])
                    if not match_id:
                        continue
                    g = gender[match_id.group(1)]
                    taken = [s for s in item["sub"] if s.split(":")[0] in ("сейчас у него", "сейчас у неё",
                                                                           "места заняты")]
                    if taken:
                        seen.add(g)
                        assert taken[0].split(":")[0] == {"f": "сейчас у неё", "m": "сейчас у него",
                                                          None: "места заняты"}[g], item
                    if item["text"].startswith("Если назначить"):
                        assert item["text"].startswith({"f": "Если назначить её:", "m": "Если назначить его:",
                                                        None: "Если назначить этого наставника:"}[g]), item
    assert seen == {"f", "m", None}
    text = visible_text(render_report(doc, "ru"))
    assert "не прошла подготовку" in text and "не прошёл подготовку" not in text  # R0_0 is a woman


def test_what_is_said_of_a_mentee_agrees_with_her_or_his_gender(doc):
    """«наставляемый» before a woman's name is «наставляемая», in every case; so are the verbs
    and the words for the mentee a text is about."""
    assert explain_text(doc, mentee="U1", lang="ru").startswith(
        "Наставляемая Смирнова Анна u1 (U1) осталась без пары.\n2 подходящих наставника заняты другими "
        "наставляемыми: если поставить эту наставляемую к любому из них")
    assert explain_text(doc, mentee="U0", lang="ru").startswith("Наставляемый Петров Иван u0 (U0) остался без пары.")
    unmatched = output_files(doc, lang="ru")["unmatched.csv"].decode("utf-8-sig")
    assert "поставить эту наставляемую" in unmatched
    ranks = {r["mentee_id"]: next(b["text"] for b in r["explanation"] if b["kind"] == "ranks")
             for u in build_view(doc, "ru")["units"] for r in u["rows"]}
    assert ranks["E1"].startswith("Для наставляемой это наставник № ") and "; для наставника эта наставляемая — № " \
        in ranks["E1"]
    assert ranks["F1"].startswith("Для наставляемого это наставник № ") and "; для наставника этот наставляемый — № " \
        in ranks["F1"]
    words = Words(doc, "ru", "report")
    for pid, words_for in (("E1", ("наставляемая", "несовершеннолетняя", "не дала")),
                           ("F1", ("наставляемый", "несовершеннолетний", "не дал"))):
        name = next(p["mentee_name"] for p in doc["pairs"] if p["mentee_id"] == pid)
        subject, minor, did_not_give = words_for
        assert words.rule("consent", {"code": "consent.mentee.guardian_consent", "id": pid}).startswith(
            f"{subject} {name} ({pid}) {minor}")
        assert words.rule("consent", {"code": "consent.mentee.data_consent", "id": pid}) == (
            f"{subject} {name} ({pid}) {did_not_give} согласия на обработку персональных данных")


def test_a_suggestion_that_kept_only_its_first_moves_counts_the_rest_and_names_no_unknown_mentor(doc):
    cut = copy.deepcopy(doc)
    (u0,) = [u for u in cut["unmatched"] if u["mentee_id"] == "U0"]
    effect = u0["explanation"]["suggestions"][0]["effect"]
    assert len(effect["moves"]) == 2
    effect.update(mentor_id=None, moves=effect["moves"][:1], moves_total=7)
    terminal = explain_text(cut, mentee="U0", lang="ru")
    assert "→ наставляемых в парах: +1;" in terminal and "наставник — ;" not in terminal
    assert "перестановок у других: 7 (" in terminal and ", и ещё 6)" in terminal
    (row,) = [u for u in build_view(cut, "ru")["unmatched"] if u["mentee_id"] == "U0"]
    (item,) = row["explanation"]["main"][0]["entries"]
    assert "перестановок у других: 7" in item["text"] and "наставник —" not in item["text"]
    assert len(item["sub"]) == 2 and item["sub"][-1] == "и ещё 6"


def test_numbers_and_nouns_agree_for_1_2_5_and_21(doc):
    noted = copy.deepcopy(doc)
    noted["explanations"]["notes"] = (
        [{"code": "explain.note.alternatives_unchecked", "params": {"count": n}} for n in SIZES]
        + [{"code": "explain.note.changes_unchecked", "params": {"count": n}} for n in SIZES])
    text = visible_text(render_report(noted, "ru"))
    for n in SIZES:
        assert f"Для {n} {ru_form(n, 'альтернативы', 'альтернатив', 'альтернатив')} цена замены не проверена" in text
        assert (f"{n} {ru_form(n, 'возможное изменение', 'возможных изменения', 'возможных изменений')} для "
                f"наставляемых без пары не {ru_form(n, 'проверено', 'проверены', 'проверены')}") in text
        candidates = n + 1
        assert f"№ 1 из {candidates} {ru_form(candidates, 'подходящего', 'подходящих', 'подходящих')}" in text
    view = build_view(doc, "ru")
    more = {r["mentee_id"]: r["alternatives_more"] for u in view["units"] for r in u["rows"]}
    for n, rest in ((5, 2), (21, 18)):  # three alternatives are shown, the rest counted
        phrase = ru_form(rest, "возможный наставник", "возможных наставника", "возможных наставников")
        assert more[f"E{n}"] == f"Ещё {rest} {phrase} — в result.json."
    assert not more["E1"] and not more["E2"]
    pairs, groups = len(doc["pairs"]), 0
    assert view["pairs_count"] == f"{pairs} {ru_form(pairs, 'пара', 'пары', 'пар')}, {groups} групп"
    (u1,) = [u for u in view["unmatched"] if u["mentee_id"] == "U1"]
    assert u1["reason"].startswith("2 подходящих наставника заняты другими наставляемыми")


def test_quotes_within_quotes_are_low_quotes(doc):
    text = visible_text(render_report(doc, "ru"))
    assert "«Учитель – ученик („Шаг вперёд“)»" in text  # a form title in a rule's reason
    depth = 0
    for ch in text:
        if ch == "«":
            assert depth == 0, "«…«…»…» left in the text"
            depth += 1
        elif ch == "»":
            depth = max(0, depth - 1)
    assert "Учитель – ученик («Шаг вперёд»)" in text  # the title alone, in the form column


def test_numbers_are_written_in_one_format(doc):
    big = copy.deepcopy(doc)
    big["summary"]["candidate_pairs"] = 5000
    big["explanations"]["notes"] = [{"code": "explain.note.near_misses_partial", "params": {"cap": 12000}}]
    text = visible_text(render_report(big, "ru"))
    assert "Допустимых пар-кандидатов: 5\u202f000" in text and "не больше 12\u202f000 пар" in text
    bare = re.sub(r"\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4}", "", text)
    assert not re.findall(r"(?<![\d\u202f])\d{4,}", bare)


def test_people_are_named_beside_their_codes_everywhere(doc):
    for lang in ("ru", "en"):
        for sentence in worded(build_view(doc, lang)):
            for code in ID.finditer(sentence):
                before = sentence[:code.start()]
                assert before.endswith("(") and re.search(r"\w+ \w+ \w+ \($", before), (code.group(), sentence)
    moves = [s for s in worded(build_view(doc, "ru")) if ") → " in s]
    assert moves and all(re.fullmatch(r".+ \(\w+\): .+ \(\w+\) → .+", m) for m in moves), moves
    terminal = explain_text(doc, mentee="E21", lang="ru")
    assert not [m for m in ID.finditer(terminal) if terminal[m.start() - 1] != "("]


def test_the_pairs_list_and_the_annex_show_class_or_category_and_subjects(doc):
    view = build_view(doc, "ru")
    e1 = next(r for u in view["units"] for r in u["rows"] if r["mentee_id"] == "E1")
    assert e1["mentee_about"] == "7А класс · математика"
    assert {u["mentor_about"] for u in view["units"]} == {"учитель · физика"}
    annex = next(a for a in view["appendix"] for m in a["mentees"] if m["id"] == "E1")
    assert annex["mentor_about"] == "учитель · физика" and annex["mentees"][0]["about"] == "7А класс · математика"
    csv = output_files(doc, lang="ru", headers="ru")["pairs.csv"].decode("utf-8-sig").splitlines()
    assert csv[0].endswith("Класс или категория наставника,Предметы наставника,Класс или категория наставляемого,"
                           "Предметы наставляемого")
    assert any(line.endswith(",учитель,физика,7А класс,математика") for line in csv[1:])


# --- Why an alternative cannot be chosen: the rule that decides, on hand-worked cases ----------

def two_mentors_two_mentees():
    """R1 (a woman) and E1 share chess, R2 and E2 music; R0 (a man) shares chess but takes nobody."""
    def p(pid, role, interests, **kw):
        return Participant(id=pid, name=f"Имя {pid}", role=role, category="teacher" if role == "mentor" else "student",
                           forms=["teacher_student"], age=40 if role == "mentor" else 13, consent=True,
                           data_consent=True, guardian_consent=True, interests=interests, **kw)
    return [p("R1", "mentor", ["chess"], gender="f"), p("R2", "mentor", ["music"]),
            p("R0", "mentor", ["chess"], gender="m", capacity=0),
            p("E1", "mentee", ["chess"]), p("E2", "mentee", ["music"])]


INTERESTS_ONLY = {"weights": {"interests": 1.0, "needs": 0.0, "mirror": 0.0, "psych": 0.0, "ranking": 0.0,
                              "availability": 0.0}}


def forcing_lines(pair_specs):
    result = match(two_mentors_two_mentees(), load_config(overrides=INTERESTS_ONLY), pair_specs=pair_specs)
    doc = result_document(result)
    add_explanations(doc, result)
    return explain_text(doc, mentee="E1", lang="ru")


def test_a_mentor_without_places_is_the_reason_not_a_lock_when_nothing_is_locked():
    text = forcing_lines([])
    # not «у наставника нет мест», which reads as «мест нет» (every place taken)
    assert "Имя R0 (R0), оценка 1,00: не берёт наставляемых (вместимость 0)" in text
    assert "Назначить его нельзя: наставник не берёт наставляемых (вместимость 0)." in text
    assert "закреплени" not in text


def test_a_lock_is_the_reason_when_the_consilium_locked_the_place():
    """E2 is locked to R1, so E1 (who would rather have R1) cannot take her place."""
    text = forcing_lines([PairSpec("R1", "E2")])
    assert "Имя R1 (R1), оценка 1,00: мест нет: занято 1 из 1 — сейчас у неё: Имя E2 (E2)" in text
    assert "Назначить её нельзя, не нарушив закреплений консилиума." in text
    assert "Назначить его нельзя: наставник не берёт наставляемых (вместимость 0)." in text


def test_a_large_programmes_page_data_carries_class_or_category_and_subjects(doc):
    """Above the inline threshold the rows travel as data: each unit and row carries its about line."""
    html = render_report(doc, "ru", inline_units=1, page_units=1)
    data = json.loads(re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S)
                      .group(1))
    assert {data["s"][u[8]] for u in data["u"]} == {"учитель · физика"}
    assert {data["s"][r[16]] for u in data["u"] for r in u[7]} == {"7А класс · математика"}
