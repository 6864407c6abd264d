"""Reasons that are true: every explanation names the rule that really stands in the way.

Hand-worked programmes, each small enough to check by eye: a young teacher in a
student–student form, a group mentor whose minimum cannot be reached, two people who
could mentor each other, a lock outside every shared form. Each reason is checked as
data (result.json), in unmatched.csv's words, in `matcher explain` and in the report, in
Russian and English.
"""
from __future__ import annotations

import csv
import io
import re

import pytest
from click.testing import CliRunner

from matcher.cli import main
from matcher.config import load_config
from matcher.conflicts import conflict_lines
from matcher.explain import add_explanations, apply_change
from matcher.explain_text import explain_text
from matcher.io.writers import participant_table, write_csv
from matcher.models import Participant
from matcher.pipeline import PairSpec, match
from matcher.report import build_view, render_report
from matcher.results import result_document, unmatched_line

INTERESTS_ONLY = {"weights": {"interests": 1.0, "needs": 0.0, "mirror": 0.0, "psych": 0.0, "ranking": 0.0,
                              "availability": 0.0}}
PEER_GRADES = {**INTERESTS_ONLY, "forms": {"student_student": {"min_grade_gap": 0}}}


def person(pid, role, category, forms, **kw):
    base = dict(id=pid, name=f"Person {pid}", role=role, category=category, forms=forms, consent=True,
                data_consent=True, guardian_consent=True, trained=True, interests=["chess"],
                age=40 if category not in ("student",) else 12)
    return Participant(**{**base, **kw})


def explained(people, overrides=None, specs=None):
    config = load_config(overrides=overrides or INTERESTS_ONLY)
    result = match(people, config, pair_specs=specs)
    doc = result_document(result)
    add_explanations(doc, result)
    return result, doc


def unmatched(doc, mentee_id):
    return next(u for u in doc["unmatched"] if u["mentee_id"] == mentee_id)


def mentor(doc, mentor_id):
    return next(m for m in doc["mentors"] if m["mentor_id"] == mentor_id)


def report_text(doc, lang):
    page = render_report(doc, lang)
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace("&#39;", "'").replace("&quot;", '"')


def all_words(doc) -> dict[str, str]:
    """Everything a curator reads about this result, per language: unmatched.csv's reasons,
    `matcher explain` for every mentee and mentor, and the report."""
    out = {}
    for lang in ("ru", "en"):
        parts = [unmatched_line(u, lang, doc) for u in doc["unmatched"]]
        parts += [explain_text(doc, mentee=u["mentee_id"], lang=lang) for u in doc["unmatched"]]
        parts += [explain_text(doc, mentee=p["mentee_id"], lang=lang) for p in doc["pairs"]]
        parts += [explain_text(doc, mentor=m["mentor_id"], lang=lang) for m in doc["mentors"]]
        parts.append(report_text(doc, lang))
        out[lang] = "\n".join(parts)
    return out


# --- 4. A category the chosen form does not allow ---------------------------------------------

def young_teacher_in_student_student():
    """Two student mentors in student–student (grades 10 and 9); a young teacher asked for that
    form too. The form admits students only, so the young teacher fits no mentor there —
    and, having no grade, would also fail the grade order, which is beside the point."""
    return [person("M1", "mentor", "student", ["student_student"], grade=10, age=16),
            person("M2", "mentor", "student", ["student_student"], grade=9, age=15),
            person("Y1", "mentee", "young_teacher", ["student_student"], age=24),
            person("S1", "mentee", "student", ["student_student"], grade=6)]


def test_mentee_whose_category_no_chosen_form_allows_is_told_so_not_blamed_on_mentors_grade():
    _, doc = explained(young_teacher_in_student_student())
    u = unmatched(doc, "Y1")
    assert u["reason_code"] == "unmatched.category_not_in_form"
    assert u["reason_params"] == {"category": "young_teacher", "forms": ["student_student"], "allowed": ["student"]}
    assert u["blocked_by"] == {"form_compat": 2}  # the grade order is not what stops them
    assert u["explanation"]["why"] == "category_not_in_form"
    assert u["explanation"]["blocked_by"] == {"form_compat": 2}
    ru, en = unmatched_line(u, "ru", doc), unmatched_line(u, "en", doc)
    assert ru == ("категория наставляемого «молодой специалист» не допускается в выбранной форме "
                  "«Ученик – ученик» (допустимы: ученик): пару в ней составить нельзя")
    assert en == "the mentee's category 'young teacher' is not allowed in the chosen form 'Student – student' " \
                 "(allowed: student): no pair is possible there"
    text = explain_text(doc, mentee="Y1", lang="en")
    assert "young teacher" in text and "Student – student" in text
    assert "grade" not in text
    assert "класс не указан" not in explain_text(doc, mentee="Y1", lang="ru")


def test_most_often_blocked_by_names_the_rule_among_mentors_who_fit_the_form_with_its_count():
    """E1 (grade 5) in student–student: M1 (grade 9) has not consented; M2 and M3 are teachers,
    whom student–student does not admit as mentors (they have no grade either). Consent
    blocks one mentor, the form two: the grade order blocks nobody."""
    people = [person("M1", "mentor", "student", ["student_student"], grade=9, age=15, consent=False),
              person("M2", "mentor", "teacher", ["student_student"]),
              person("M3", "mentor", "teacher", ["student_student"]),
              person("E1", "mentee", "student", ["student_student"], grade=5, age=11)]
    _, doc = explained(people)
    u = unmatched(doc, "E1")
    assert u["blocked_by"] == {"form_compat": 2, "consent": 1}
    assert u["explanation"]["blocked_by"] == {"form_compat": 2, "consent": 1}
    # The form rule counts more mentors, but they are no one's obstacle: the headline says it
    # speaks of the mentors who fit the form, and gives the count that agrees with the chips.
    assert u["reason_params"] == {"top_rule": "consent", "count": 1}
    assert unmatched_line(u, "en", doc) == ("no mentor passes the hard rules; among mentors who fit the form, "
                                            "most often blocked by: consent (1)")
    assert unmatched_line(u, "ru", doc) == ("нет ни одного подходящего наставника: среди наставников, подходящих "
                                            "по форме, чаще всего мешает правило «согласие» (1)")
    assert "grade_order" not in doc["analysis"]["rules"]


# --- 5. A group minimum that cannot be reached ------------------------------------------------

def group_of_three_with_two_mentees():
    """M1 leads a group of 3 to 4; only S1 and S2 are suitable: no group of 3 can form, so
    neither is paired. With the minimum lowered to 2 both join M1."""
    return [person("M1", "mentor", "teacher", ["teacher_student"], capacity=4, group_min=3),
            person("S1", "mentee", "student", ["teacher_student"]),
            person("S2", "mentee", "student", ["teacher_student"])]


def test_group_minimum_out_of_reach_is_the_reason_given_everywhere():
    _, doc = explained(group_of_three_with_two_mentees())
    assert doc["pairs"] == []
    for mentee_id in ("S1", "S2"):
        u = unmatched(doc, mentee_id)
        assert u["reason_code"] == "unmatched.group_min_unreachable"
        assert u["reason_params"] == {"mentor": "M1", "min": 3, "suitable": 2}
        ex = u["explanation"]
        assert ex["why"] == "group_min_unreachable"
        (cand,) = ex["candidates"]
        assert cand["status"] == "group_min_unreachable" and cand["group_min"] == 3 and cand["suitable"] == 2
        assert cand["forcing"]["feasible"] is False and cand["forcing"]["rule"] == "group_min"
    m = mentor(doc, "M1")["explanation"]
    assert m["why_unused"] == "group_min_unreachable" and m["group_min"] == 3 and m["suitable"] == 2
    assert unmatched_line(unmatched(doc, "S1"), "en", doc) == (
        "mentor Person M1 (M1) leads a group of at least 3, but only 2 suitable mentees exist: the group cannot be "
        "formed")
    assert "only 2 suitable mentees" in explain_text(doc, mentor="M1", lang="en")
    assert "подходящих наставляемых только 2" in explain_text(doc, mentor="M1", lang="ru")
    words = all_words(doc)
    for false in ("needed for other mentees", "better without this pair", "paired with other mentors",
                  "got other mentors"):
        assert false not in words["en"]
    for false in ("заняты другими", "без этой пары общий результат лучше", "получили других наставников"):
        assert false not in words["ru"]


def test_lowering_the_group_minimum_is_suggested_and_really_pairs_the_mentee():
    result, doc = explained(group_of_three_with_two_mentees())
    (s,) = unmatched(doc, "S1")["explanation"]["suggestions"]
    assert s["change"] == "group_min" and s["mentor_id"] == "M1" and s["params"] == {"from": 3, "to": 2}
    assert s["verified"] is True and s["effect"]["mentor_id"] == "M1" and s["effect"]["matched_delta"] == 2
    people, config = apply_change(result.participants, result.config, s)
    again = match(people, config)
    assert sorted(again.roster.mentees.ids[i] for i in again.matched_mentees()) == ["S1", "S2"]
    assert "lower the group minimum of mentor Person M1 (M1) from 3 to 2" in explain_text(doc, mentee="S1", lang="en")
    assert "наставник Person M1 (M1): снизить наименьший размер группы с 3 до 2" in \
        explain_text(doc, mentee="S1", lang="ru")


# --- 6. Two people who may mentor each other --------------------------------------------------

def mutual_pair():
    """A and B (role both, grade 8, student–student without a grade gap) can each mentor the
    other, not both at once: one pair B -> A is chosen, A -> B is impossible beside it."""
    a = person("A", "both", "student", ["student_student"], grade=8, age=14)
    b = person("B", "both", "student", ["student_student"], grade=8, age=14)
    return [a, b]


def test_mutual_mentoring_is_named_instead_of_a_contradiction():
    _, doc = explained(mutual_pair(), PEER_GRADES)
    ((mentor_id, mentee_id),) = [(p["mentor_id"], p["mentee_id"]) for p in doc["pairs"]]
    u = unmatched(doc, mentor_id)  # the chosen mentor is the one left without a mentor
    assert u["reason_code"] == "unmatched.mutual"
    assert u["reason_params"] == {"mentee": mentor_id, "mentor": mentee_id}
    ex = u["explanation"]
    assert ex["why"] == "mutual"
    (cand,) = ex["candidates"]
    assert cand["status"] == "mutual" and cand["mutual"] == {"mentor_id": mentor_id, "mentee_id": mentee_id}
    # Forcing the other direction undoes the chosen pair: the mentee moves out, and the two
    # (alike in everything) make one pair either way: an equal option, as good as the proposal.
    assert cand["forcing"]["feasible"] is True and cand["forcing"]["objective_delta"] == 0
    assert cand["forcing"]["moves"] == [{"mentee_id": mentee_id, "from": mentor_id, "to": None}]
    m = mentor(doc, mentee_id)["explanation"]
    assert m["why_unused"] == "mutual"
    en = explain_text(doc, mentee=mentor_id, lang="en")
    a, b = f"Person {mentor_id} ({mentor_id})", f"Person {mentee_id} ({mentee_id})"
    assert f"{a} and {b} cannot be each other's mentor and mentee at the same time" in en
    assert f"{a} и {b} не могут одновременно быть наставником и наставляемым друг для друга" in \
        explain_text(doc, mentee=mentor_id, lang="ru")
    words = all_words(doc)
    for false in ("better without this pair", "needed for other mentees", "paired with other mentors"):
        assert false not in words["en"]
    assert f"An equal option: the overall result stays the same; other mentees moved: 1 ({b}: {a} → no mentor)" in en
    assert "cannot be each other's mentor and mentee" in explain_text(doc, mentor=mentee_id, lang="en")


# --- 7. Placeholders, form titles, plurals ----------------------------------------------------

def test_a_lock_outside_every_shared_form_is_worded_with_form_titles_and_no_placeholders():
    people = [person("T1", "mentor", "teacher", ["teacher_student"]),
              person("Y1", "mentee", "young_teacher", ["teacher_teacher"], age=24, experience_years=1),
              person("S1", "mentee", "student", ["teacher_student"])]
    for form in (None, "teacher_student"):
        specs = [PairSpec("T1", "Y1", "lock", form, file="locks.csv", row=2)]
        solution = match(people, load_config(), pair_specs=specs).solution
        assert solution.status == "INFEASIBLE"
        (core,) = [c for c in solution.conflict if "items" in c]
        for lang in ("ru", "en"):
            text = "\n".join(conflict_lines(core, lang))
            assert "{" not in text and "}" not in text, text
            assert "teacher_student" not in text and "teacher_teacher" not in text
        en = "\n".join(conflict_lines(core, "en"))
        if form is None:
            assert "mentor Person T1 (T1) and mentee Person Y1 (Y1) share no form of mentoring (mentor: " \
                   "'Teacher – student'; mentee: 'Teacher – teacher')" in en
        else:
            assert "mentee Person Y1 (Y1) did not choose form 'Teacher – student'" in en


def test_the_cli_prints_a_lock_clash_without_placeholders(tmp_path):
    people = [person("T1", "mentor", "teacher", ["teacher_student"]),
              person("Y1", "mentee", "young_teacher", ["teacher_teacher"], age=24, experience_years=1)]
    write_csv(tmp_path / "mentors.csv", *participant_table([p for p in people if p.is_mentor]))
    write_csv(tmp_path / "mentees.csv", *participant_table([p for p in people if p.is_mentee]))
    (tmp_path / "locks.csv").write_text("mentor_id,mentee_id,action\nT1,Y1,lock\n", encoding="utf-8")
    for lang in ("ru", "en"):
        result = CliRunner().invoke(main, ["match", "--mentors", str(tmp_path / "mentors.csv"), "--mentees",
                                           str(tmp_path / "mentees.csv"), "--locks", str(tmp_path / "locks.csv"),
                                           "--out", str(tmp_path / "out"), "--lang", lang, "-q"])
        assert result.exit_code == 3, result.output
        assert "{" not in result.output and "Traceback" not in result.output


def test_plural_agrees_with_the_number_in_russian_and_english():
    from matcher.i18n import plural

    cases = {1: "подходящий наставник", 2: "подходящих наставника", 4: "подходящих наставника",
             5: "подходящих наставников", 11: "подходящих наставников", 12: "подходящих наставников",
             21: "подходящий наставник", 22: "подходящих наставника", 111: "подходящих наставников"}
    for n, words in cases.items():
        assert plural(n, "подходящий наставник|подходящих наставника|подходящих наставников", "ru") == words
    assert plural(1, "suitable mentor|suitable mentors", "en") == "suitable mentor"
    assert plural(2, "suitable mentor|suitable mentors", "en") == "suitable mentors"


def test_one_suitable_mentor_taken_is_worded_in_the_singular(tmp_path):
    """R1 has one place; E1 shares more interests with R1 than E2 does, so E2 is left out."""
    people = [person("R1", "mentor", "teacher", ["teacher_student"], interests=["chess", "music"]),
              person("E1", "mentee", "student", ["teacher_student"], interests=["chess", "music"]),
              person("E2", "mentee", "student", ["teacher_student"], interests=["chess", "football"])]
    _, doc = explained(people)
    u = unmatched(doc, "E2")
    assert u["reason_code"] == "unmatched.candidates_taken"
    ru = ("1 подходящий наставник занят другими наставляемыми: если поставить этого наставляемого к этому "
          "наставнику, общий результат лучше не станет")
    en = "1 suitable mentor is needed by other mentees: pairing this mentee with that mentor does not make the " \
         "overall result better"
    assert (unmatched_line(u, "ru", doc), unmatched_line(u, "en", doc)) == (ru, en)
    # the terminal says it in the same words, as a sentence
    assert f"\n{ru[:1].upper()}{ru[1:]}." in explain_text(doc, mentee="E2", lang="ru")
    assert f"\n{en[:1].upper()}{en[1:]}." in explain_text(doc, mentee="E2", lang="en")
    assert "Among the mentee's 1 suitable mentor this one" in explain_text(doc, mentee="E1", lang="en")
    assert "Среди 1 подходящего наставляемому наставника" in explain_text(doc, mentee="E1", lang="ru")


@pytest.mark.parametrize("programme", ["category", "group", "mutual", "sample"])
def test_no_placeholder_and_no_form_id_is_left_in_any_explanation(programme):
    from matcher.sample import generate_school

    if programme == "category":
        _, doc = explained(young_teacher_in_student_student())
    elif programme == "group":
        _, doc = explained(group_of_three_with_two_mentees())
    elif programme == "mutual":
        _, doc = explained(mutual_pair(), PEER_GRADES)
    else:
        people = generate_school(40, seed=3)
        _, doc = explained(people, overrides={})
    for lang, text in all_words(doc).items():
        for line in text.splitlines():
            assert not re.search(r"\{[a-z_]+(:[^}]*)?\}", line), line
        for form in doc["program"]["forms"]:
            assert f"'{form}'" not in text and f"«{form}»" not in text, form


def test_an_answer_cut_short_does_not_claim_that_a_taken_place_would_cost_the_result():
    """The same three people, answered without proof (a run cut short by --time-limit): the
    worse assignment, E2 with R1, marked FEASIBLE. E1 is left out because R1's place is taken,
    but nothing proved that pairing E1 there makes the result worse (it would make it better):
    the reason says the place is taken and the solver stopped before checking."""
    import dataclasses

    import numpy as np

    people = [person("R1", "mentor", "teacher", ["teacher_student"], interests=["chess", "music"]),
              person("E1", "mentee", "student", ["teacher_student"], interests=["chess", "music"]),
              person("E2", "mentee", "student", ["teacher_student"], interests=["chess", "football"])]
    result = match(people, load_config(overrides=INTERESTS_ONLY))
    g, roster = result.graph, result.roster
    worse = next(e for e in range(g.n_edges) if roster.mentees.ids[int(g.mentee[e])] == "E2")
    result.solution = dataclasses.replace(result.solution, status="FEASIBLE", edges=np.array([worse]))
    doc = result_document(result)
    add_explanations(doc, result)
    u = unmatched(doc, "E1")
    assert u["reason_code"] == "unmatched.not_chosen" and u["explanation"]["why"] == "not_chosen"
    ru = ("1 подходящий наставник занят другими наставляемыми, а решатель остановился по лимиту времени "
          "(--time-limit) раньше, чем проверил, можно ли освободить место без потерь для других пар")
    en = ("1 suitable mentor is needed by other mentees, and the solver stopped at the time limit (--time-limit) "
          "before checking whether a place could be freed without a loss to other pairs")
    assert (unmatched_line(u, "ru", doc), unmatched_line(u, "en", doc)) == (ru, en)
    words = all_words(doc)
    assert "лучше не станет" not in words["ru"] and "does not make the overall result better" not in words["en"]


def test_a_tie_is_named_as_an_equal_option_not_as_a_loss():
    """R1 has one place; E1 and E2 share R1's interests alike, so pairing either with R1 is
    worth the same: whoever is left out is not told that taking R1 would cost anything. The
    reason names the equal option (the consilium may choose it), and so does the candidate's
    line: the same result, the other mentee moved out."""
    people = [person("R1", "mentor", "teacher", ["teacher_student"], interests=["chess", "music"]),
              person("E1", "mentee", "student", ["teacher_student"], interests=["chess", "music"]),
              person("E2", "mentee", "student", ["teacher_student"], interests=["chess", "music"])]
    _, doc = explained(people)
    (u,) = doc["unmatched"]
    (paired,) = doc["pairs"]
    assert {u["mentee_id"], paired["mentee_id"]} == {"E1", "E2"}
    assert u["reason_code"] == "unmatched.candidates_tied" and u["explanation"]["why"] == "candidates_tied"
    assert u["reason_params"] == {"count": 1, "mentor": "R1"}
    ru = ("1 подходящий наставник занят другими наставляемыми, но есть равноценный вариант — Person R1 (R1): если "
          "поставить этого наставляемого к этому наставнику, общий итог не изменится (решатель выбрал одно из "
          "равноценных распределений, консилиум может выбрать другое)")
    en = ("1 suitable mentor is needed by other mentees, but there is an equal option, Person R1 (R1): pairing this "
          "mentee with that mentor leaves the overall result the same (the solver chose one of equally good "
          "assignments; the consilium may choose another)")
    assert (unmatched_line(u, "ru", doc), unmatched_line(u, "en", doc)) == (ru, en)
    other = paired["mentee_id"]
    assert (f"Равноценный вариант: общий итог не изменится; перестановок у других: 1 (Person {other} ({other}): "
            f"Person R1 (R1) → без наставника)." in explain_text(doc, mentee=u["mentee_id"], lang="ru"))
    for lang in ("ru", "en"):
        assert ("станет хуже" if lang == "ru" else "worse") not in all_words(doc)[lang]


def test_a_mentor_left_unused_is_told_what_the_answer_proves():
    """R1 and R2 have a place each; E1 shares more with R1. Optimal: E1 with R1, and R2 is
    told that pairing E1 with R2 makes the result no better. Cut short (E1 with R2, marked
    FEASIBLE by hand), R1 is not told that the result is better that way (it is worse): only
    that E1 has another mentor and the solver stopped before checking."""
    import dataclasses

    import numpy as np

    people = [person("R1", "mentor", "teacher", ["teacher_student"], interests=["chess", "music"]),
              person("R2", "mentor", "teacher", ["teacher_student"], interests=["chess", "football"]),
              person("E1", "mentee", "student", ["teacher_student"], interests=["chess", "music"])]
    result, doc = explained(people)
    assert [(p["mentor_id"], p["mentee_id"]) for p in doc["pairs"]] == [("R1", "E1")]
    r2 = mentor(doc, "R2")["explanation"]
    assert r2["why_unused"] == "candidates_paired_elsewhere" and "proven" not in r2
    assert ("подходящие наставляемые (1) получили других наставников: если поставить их к этому наставнику, "
            "общий результат лучше не станет") in explain_text(doc, mentor="R2", lang="ru").lower()
    assert ("the suitable mentees (1) were paired with other mentors: pairing them with this mentor does not make "
            "the overall result better") in explain_text(doc, mentor="R2", lang="en").lower()

    g, roster = result.graph, result.roster
    worse = next(e for e in range(g.n_edges) if roster.mentors.ids[int(g.mentor[e])] == "R2")
    result.solution = dataclasses.replace(result.solution, status="FEASIBLE", edges=np.array([worse]))
    doc = result_document(result)
    add_explanations(doc, result)
    r1 = mentor(doc, "R1")["explanation"]
    assert r1["why_unused"] == "candidates_paired_elsewhere" and r1["proven"] is False
    assert ("подходящие наставляемые (1) получили других наставников, а решатель остановился по лимиту времени "
            "(--time-limit) раньше, чем проверил, не лучше ли было бы с этим наставником") in \
        explain_text(doc, mentor="R1", lang="ru").lower()
    words = all_words(doc)
    assert "лучше не станет" not in words["ru"] and "better that way" not in words["en"]
