"""One wording of a result for the terminal and the report, and rules that own their fixes.

A rule that suggests how to lift itself does so from its own module: registered beside the
others, its fix shows up as a verified suggestion, is applied by its own `apply`, and is
worded from its own messages, with no branch for it in explain, the terminal or the report.
"""
from __future__ import annotations

import re

import pytest

import named_mentor_rule
from matcher import constraints, explain
from matcher.config import load_config
from matcher.explain import add_explanations, apply_change
from matcher.explain_text import explain_text
from matcher.models import Participant
from matcher.pipeline import match
from matcher.report import build_view
from matcher.results import result_document
from matcher.wording import Words

INTERESTS_ONLY = {"weights": {"interests": 1.0, "needs": 0.0, "mirror": 0.0, "psych": 0.0, "ranking": 0.0,
                              "availability": 0.0}}


def person(pid, role, category, forms, **kw):
    base = dict(id=pid, name=f"Person {pid}", role=role, category=category, forms=forms, consent=True,
                data_consent=True, guardian_consent=True, trained=True, interests=["chess"],
                age=40 if category != "student" else 12)
    return Participant(**{**base, **kw})


@pytest.fixture
def with_named_mentor_rule(monkeypatch):
    """The registry as it reads with one more line in RULES: the rule's bit follows the
    others, and the codes decided outside the rules move up one (what import would derive;
    the graph's tables of rule bits are derived again by reloading it)."""
    import importlib

    from matcher import graph

    rules = constraints.RULES + [named_mentor_rule]
    codes = [r.CODE for r in rules] + constraints.EXTRA_CODES
    bits = {code: 1 << k for k, code in enumerate(codes)}
    monkeypatch.setattr(constraints, "RULES", rules)
    for module in (constraints, explain):
        monkeypatch.setattr(module, "RULE_CODES", codes)
        monkeypatch.setattr(module, "RULE_BIT", bits)
    importlib.reload(graph)
    yield
    monkeypatch.undo()
    importlib.reload(graph)


def explained(people):
    result = match(people, load_config(overrides=INTERESTS_ONLY))
    doc = result_document(result)
    add_explanations(doc, result)
    return result, doc


def unnamed_mentor_programme():
    """R1 has no name on record; E1 fits R1 otherwise and has no other mentor."""
    return [person("R1", "mentor", "teacher", ["teacher_student"], name=""),
            person("E1", "mentee", "student", ["teacher_student"])]


def test_a_new_rule_blocks_the_pair_and_its_own_fix_is_a_verified_suggestion(with_named_mentor_rule):
    result, doc = explained(unnamed_mentor_programme())
    (u,) = doc["unmatched"]
    ex = u["explanation"]
    assert ex["blocked_by"] == {"named_mentor": 1}
    (s,) = ex["suggestions"]
    assert (s["change"], s["mentor_id"], s["params"]) == ("mentor_name", "R1", {})
    assert s["verified"] is True and s["method"] == "resolve"
    assert s["effect"]["mentor_id"] == "R1" and s["effect"]["matched_delta"] == 1
    people, config = apply_change(result.participants, result.config, s)
    again = match(people, config)
    assert [again.roster.mentees.ids[i] for i in again.matched_mentees()] == ["E1"]


def test_a_new_rules_fix_is_worded_from_its_own_messages_in_the_terminal_and_the_report(with_named_mentor_rule):
    _, doc = explained(unnamed_mentor_programme())
    assert "1. record the name of mentor R1 → paired with mentor R1" in explain_text(doc, mentee="E1", lang="en")
    assert "наставник R1: записать ФИО → наставник — R1" in explain_text(doc, mentee="E1", lang="ru")
    (row,) = build_view(doc, "en")["unmatched"]
    (block,) = row["explanation"]["main"]
    assert [e["head"] for e in block["entries"]] == ["record the name of mentor R1"]


def test_both_presenters_name_people_by_name_and_code():
    """The same suggested change in the terminal and the report: people by name and code, 'this
    mentee' for the mentee it is for, the code alone for a person without a name on record."""
    doc = {"program": {"forms": {"teacher_student": {"title_en": "Teacher – student"}}},
           "mentors": [{"mentor_id": "R1", "mentor_name": "Bob"}], "unmatched": [{"mentee_id": "E1", "mentee_name": ""}]}
    change = {"change": "consent", "mentor_id": "R1", "params": {"missing": [
        {"who": "mentee", "id": "E1", "consent": "consent"}, {"who": "mentor", "id": "R1", "consent": "data_consent"}]}}
    terminal, report = Words(doc, "en", "terminal"), Words(doc, "en", "report")
    assert terminal.change(change) == report.change(change) == (
        "obtain consent to take part for mentee E1, consent to personal data processing for mentor Bob (R1)")
    assert report.change(change, self_id="E1") == ("obtain consent to take part for this mentee, "
                                                   "consent to personal data processing for mentor Bob (R1)")
    assert terminal.form("teacher_student") == report.form("teacher_student") == "Teacher – student"


def test_consents_to_obtain_are_said_person_by_person_agreeing_with_a_womans_gender():
    doc = {"mentors": [{"mentor_id": "R1", "mentor_name": "Петров Иван", "mentor_gender": "m"}],
           "unmatched": [{"mentee_id": "E1", "mentee_name": "Смирнова Анна", "mentee_gender": "f"},
                         {"mentee_id": "E2", "mentee_name": "Ким Саша"}]}
    change = {"change": "consent", "mentor_id": "R1", "params": {"missing": [
        {"who": "mentee", "id": "E1", "consent": "consent"}, {"who": "mentee", "id": "E1", "consent": "data_consent"},
        {"who": "mentor", "id": "R1", "consent": "guardian_consent"}]}}
    words = Words(doc, "ru", "report")
    assert words.change(change, self_id="E1") == (
        "получить согласие на участие и согласие на обработку персональных данных этой наставляемой; "
        "согласие законного представителя: наставник Петров Иван (R1)")
    assert words.change(change) == (
        "получить согласие на участие и согласие на обработку персональных данных: наставляемая Смирнова Анна (E1); "
        "согласие законного представителя: наставник Петров Иван (R1)")
    unknown = {"change": "consent", "params": {"missing": [{"who": "mentee", "id": "E2", "consent": "consent"}]}}
    assert words.change(unknown, self_id="E2") == "получить согласие на участие этого наставляемого"
    wish = {"change": "hard_wish", "params": {"who": "mentee", "id": "E1", "wish": "gender"}}
    assert words.change(wish, self_id="E1") == "эта наставляемая соглашается считать пожелание «пол партнёра» необязательным"


# --- The same item in the same words in the terminal and the report ---------------------------

FORMS = {"student_student": {"title_ru": "Ученик – ученик", "title_en": "Student – student"},
         "teacher_student": {"title_ru": "Учитель – ученик", "title_en": "Teacher – student"}}
NAMES = {"R1": "Bob Smith", "R2": "Eve Stone", "E1": "Ann Lee", "E2": "Tom Hall"}

CHANGES = [
    {"change": "consent", "mentor_id": "R1", "params": {"missing": [
        {"who": "mentee", "id": "E2", "consent": "guardian_consent"},
        {"who": "mentor", "id": "R1", "consent": "data_consent"}]}},
    {"change": "trained", "mentor_id": "R1", "params": {"form": "teacher_student"}},
    {"change": "age_gap", "mentor_id": "R1", "params": {"form": "teacher_student", "from": 8.5, "to": 7.0}},
    {"change": "hard_wish", "mentor_id": "R1", "params": {"who": "mentor", "id": "R1", "wish": "gender"}},
    {"change": "capacity", "mentor_id": "R1", "params": {"from": 1, "to": 2}},
    {"change": "group_min", "mentor_id": "R1", "params": {"from": 3, "to": 2}},
]
RULES = [
    ("form_compat", {"code": "form_compat.mentee_category", "who": "mentee", "id": "E2", "form": "student_student",
                     "category": "young_teacher", "allowed": ["student"], "mentor_id": "R1", "mentee_id": "E2"}),
    ("age_gap", {"code": "age_gap.too_small", "min": 8.5, "form": "teacher_student", "gap": 6.25,
                 "mentor_id": "R1", "mentee_id": "E2"}),
    ("consent", {"code": "consent.mentor.guardian_consent", "id": "R1"}),
]
EFFECT = {"checked": True, "feasible": True, "levels": {"matched": -1, "priority_1": 0, "priority_2": -1,
                                                        "score": -250},
          "matched_delta": -1, "score_delta": -0.25, "objective_delta": -2000250,
          "moves": [{"mentee_id": "E1", "from": "R1", "to": None}, {"mentee_id": "E2", "from": None, "to": "R2"}]}
ALTERNATIVES = [
    {"mentor_id": "R1", "status": "taken", "load": 2, "capacity": 2, "mentees": ["E1", "E2"], "forcing": EFFECT},
    {"mentor_id": "R1", "status": "free_place", "load": 1, "capacity": 2,
     "forcing": {"checked": True, "feasible": True, "levels": {}, "objective_delta": 0}},
    {"mentor_id": "R1", "status": "no_place", "load": 0, "capacity": 0,
     "forcing": {"checked": True, "feasible": False}},
    {"mentor_id": "R1", "status": "group_min_unreachable", "load": 0, "capacity": 4, "group_min": 3, "suitable": 2,
     "forcing": {"checked": True, "feasible": False, "rule": "group_min", "min": 3}},
    {"mentor_id": "R1", "status": "mutual", "load": 1, "capacity": 1, "mutual": {"mentor_id": "E1", "mentee_id": "R1"},
     "forcing": {"checked": False, "reason": "deadline"}},
    {"mentor_id": "R1", "status": "free_place", "load": 0, "capacity": 1, "forcing": {"checked": False,
                                                                                      "reason": "time_limit"}},
    {"mentor_id": "R1", "status": "blocked", "rules": [{"code": code, "details": details} for code, details in RULES]},
]
UNUSED = [{"why_unused": "no_candidates"}, {"why_unused": "candidates_paired_elsewhere", "candidates": 3},
          {"why_unused": "group_min_unreachable", "group_min": 3, "suitable": 2},
          {"why_unused": "mutual", "mutual": {"mentor_id": "E1", "mentee_id": "R1"}},
          {"why_unused": "group_rules", "unpaired_candidates": 2}]


def the_two_wordings(lang):
    """The terminal's wording and the report's."""
    from matcher.report import _Explainer  # the report's own wording, as build_view makes it

    doc = {"program": {"forms": FORMS}, "mentors": [{"mentor_id": k, "mentor_name": NAMES[k]} for k in ("R1", "R2")],
           "pairs": [], "unmatched": [{"mentee_id": k, "mentee_name": NAMES[k]} for k in ("E1", "E2")]}
    return Words(doc, lang, "terminal"), _Explainer(doc, lang).words


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_terminal_and_the_report_word_each_change_rule_status_effect_and_idle_mentor_alike(lang):
    terminal, report = the_two_wordings(lang)
    for change in CHANGES:
        assert report.change(change, "E2") == terminal.change(change, "E2"), change["change"]
    for code, details in RULES:
        assert report.rule(code, details) == terminal.rule(code, details), code
    for alt in ALTERNATIVES:
        assert report.status(alt) == terminal.status(alt), alt["status"]
        assert report.status_details(alt) == terminal.status_details(alt), alt["status"]
        if "forcing" in alt:  # a line of text names the moved mentees in it, the report under it
            named = re.sub(r" \(.*→.*\)\.$", ".", terminal.forcing(alt["forcing"], alt))
            assert report.forcing(alt["forcing"], alt) == named, alt["forcing"]
    # the effect's parts alike, but for the moves: the report lists them under the text
    assert report.effect(EFFECT)[:-1] == terminal.effect(EFFECT)[:-1]
    assert report.moves(EFFECT) == terminal.moves(EFFECT)
    for expl in UNUSED:
        assert report.unused(expl) == terminal.unused(expl), expl["why_unused"]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_reasons_and_changes_show_titles_and_the_readers_numbers_never_codes(lang):
    terminal, report = the_two_wordings(lang)
    words = [terminal.rule(code, details) for code, details in RULES] + [terminal.change(c) for c in CHANGES]
    text = "\n".join(words)
    for raw in ("young_teacher", "['student']", "student_student", "teacher_student", "'gender'"):
        assert raw not in text, raw
    if lang == "ru":
        assert "8,5" in text and "8.5" not in text
        assert ("получить согласие законного представителя: наставляемый Tom Hall (E2); согласие на обработку "
                "персональных данных: наставник Bob Smith (R1)") in text
    else:
        assert "8.5" in text and "«" not in text and "a legal guardian's consent for mentee Tom Hall (E2)" in text
        assert "completes the preparation required for form 'Teacher – student'" in text


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_matcher_explain_and_the_report_show_the_same_status_and_forcing_for_an_alternative(lang):
    """The group programme: M1's group of three cannot form. The report's entry for M1 (its
    badge, what it rests on, what choosing M1 would do) is in `matcher explain`'s line for M1."""
    from test_explain_reasons import group_of_three_with_two_mentees

    _, doc = explained(group_of_three_with_two_mentees())
    text = explain_text(doc, mentee="S1", lang=lang)
    (row,) = [r for r in build_view(doc, lang)["unmatched"] if r["mentee_id"] == "S1"]
    (block,) = [b for b in row["explanation"]["more"] if b["kind"] == "candidates"]
    (entry,) = block["entries"]
    for piece in [entry["badge"], entry["text"], *entry["sub"]]:
        assert piece in text, piece
    unused = build_view(doc, lang)["free_mentors"][0]["why"]
    mentor_text = explain_text(doc, mentor="M1", lang=lang)
    assert unused[:1].upper() + unused[1:] + "." in mentor_text


def test_write_outputs_then_write_report_into_one_folder_is_a_set_matcher_explain_reads(tmp_path):
    """README's step-by-step library path: the report joins the set write_outputs wrote, so
    the folder's manifest names it and `matcher explain` accepts the folder."""
    import json

    from click.testing import CliRunner

    import matcher
    from matcher.cli import main

    _, doc = explained([person("R1", "mentor", "teacher", ["teacher_student"]),
                        person("E1", "mentee", "student", ["teacher_student"])])
    out = tmp_path / "results"
    matcher.write_outputs(doc, out, lang="ru")
    path = matcher.write_report(doc, out, lang="ru")
    assert path == out / "report.html" and path.is_file()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == ["pairs.csv", "report.html", "result.json", "unmatched.csv"]
    shown = CliRunner().invoke(main, ["explain", str(out), "--mentee", "E1", "--lang", "en"])
    assert shown.exit_code == 0, shown.output
    assert "mentor Person R1 (R1)" in shown.output


def test_write_report_refuses_to_join_a_set_whose_files_were_changed(tmp_path):
    from matcher.io.outputset import OutputError
    from matcher.report import write_report
    from matcher.results import write_outputs

    _, doc = explained([person("R1", "mentor", "teacher", ["teacher_student"]),
                        person("E1", "mentee", "student", ["teacher_student"])])
    out = tmp_path / "results"
    write_outputs(doc, out)
    (out / "pairs.csv").write_text("edited by hand\n", encoding="utf-8")
    with pytest.raises(OutputError) as raised:
        write_report(doc, out)
    assert raised.value.code == "outputs.mixed" and not (out / "report.html").exists()


# --- a long result: each distinct text is worded once ------------------------------------


def test_a_long_report_words_each_distinct_move_and_sentence_once(monkeypatch):
    """A district repeats the same few moves and sentences across thousands of alternatives:
    each is worded once, and the report does not word the moves a line of text would name."""
    from matcher import i18n

    calls: dict[str, int] = {}
    render = i18n.render

    def counting(code, params=None, lang="en"):
        calls[code] = calls.get(code, 0) + 1
        return render(code, params, lang)
    monkeypatch.setattr(i18n, "render", counting)
    _, report = the_two_wordings("ru")
    alternative = {"mentor_id": "R1", "status": "taken", "load": 2, "capacity": 2, "forcing": EFFECT}
    texts = {(report.forcing(EFFECT, alternative), tuple(report.moves(EFFECT))) for _ in range(50)}
    assert len(texts) == 1
    assert calls["words.move"] == len(EFFECT["moves"])
    assert calls["words.forcing.effect"] == 1


def test_a_remembered_sentence_still_agrees_with_each_mentors_gender():
    doc = {"program": {"forms": FORMS}, "pairs": [], "unmatched": [],
           "mentors": [{"mentor_id": "R1", "mentor_name": "Саша Смирнов", "mentor_gender": "m"},
                       {"mentor_id": "R2", "mentor_name": "Саша Смирнова", "mentor_gender": "f"},
                       {"mentor_id": "R3", "mentor_name": "Саша"}]}
    words = Words(doc, "ru", "report")
    said = [words.forcing(EFFECT, {"mentor_id": m, "status": "taken"}) for m in ("R1", "R2", "R3", "R1", "R2")]
    assert [s.split(":")[0] for s in said] == ["Если назначить его", "Если назначить её",
                                               "Если назначить этого наставника", "Если назначить его",
                                               "Если назначить её"]


def test_remembered_texts_tell_a_number_from_a_yes_and_from_a_fraction():
    from matcher.i18n import Texts

    texts = Texts("ru")
    assert texts("words.effect.matched", {"delta": 1}) == "наставляемых в парах: 1"
    assert texts("words.effect.matched", {"delta": True}) == "наставляемых в парах: да"
    assert texts("words.effect.matched", {"delta": 1.5}) == "наставляемых в парах: 1,5"
    assert texts("words.effect.matched", {"delta": [1, 2]}) == "наставляемых в парах: 1, 2"  # unhashable


def test_sentences_about_an_alternative_name_the_mentor_only_by_the_words_of_their_gender():
    """Words.forcing passes only the mentor's gender: a message that showed the name would
    need the person again."""
    from matcher.i18n import MESSAGES

    forcing = [code for code in MESSAGES if code.startswith("words.forcing.")]
    assert forcing
    for code in forcing:
        for text in MESSAGES[code]:
            assert "{mentor}" not in text and not re.search(r"\{mentor:(?!gender:)", text), code


def test_a_category_agrees_with_the_gender_of_the_person_it_describes():
    from matcher.i18n import Gendered
    from matcher.results import category_title, position, reason_params

    assert position({"category": "graduate", "gender": "f"}, "ru") == "выпускница"
    assert position({"category": "graduate", "gender": "m"}, "ru") == "выпускник"
    assert position({"category": "student", "gender": "f"}, "ru") == "ученица"
    assert position({"category": "university_student", "gender": "f"}, "ru") == "студентка"
    assert position({"category": "teacher", "gender": "f"}, "ru") == "учитель"  # one word for both
    assert position({"category": "graduate", "gender": "f"}, "en") == "graduate"
    # a category in general (a form's allowed categories): the masculine word
    assert category_title("graduate", "ru") == "выпускник"
    # in a reason, the category of the person the reason names
    people = {"A1": {"name": "Мальцева Людмила", "gender": "f", "category": "graduate"}}
    assert reason_params({"id": "A1", "category": "graduate"}, "ru", people=people)["category"] == "выпускница"
    assert isinstance(reason_params({"id": "A1"}, "ru", people=people)["id"], Gendered)
