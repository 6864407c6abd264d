"""One wording of a result for the terminal and the report, and rules that own their fixes.

A rule that suggests how to lift itself does so from its own module: registered beside the
others, its fix shows up as a verified suggestion, is applied by its own `apply`, and is
worded from its own messages, with no branch for it in explain, the terminal or the report.
"""
from __future__ import annotations

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
    others, and the codes decided outside the rules move up one (what import would derive)."""
    rules = constraints.RULES + [named_mentor_rule]
    codes = [r.CODE for r in rules] + constraints.EXTRA_CODES
    bits = {code: 1 << k for k, code in enumerate(codes)}
    monkeypatch.setattr(constraints, "RULES", rules)
    for module in (constraints, explain):
        monkeypatch.setattr(module, "RULE_CODES", codes)
        monkeypatch.setattr(module, "RULE_BIT", bits)
    from matcher import graph
    monkeypatch.setattr(graph, "FORBIDDEN_BIT", bits["forbidden"])
    monkeypatch.setattr(graph, "MIN_SCORE_BIT", bits["min_score"])


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
    assert "записать ФИО наставника R1 → пара с наставником R1" in explain_text(doc, mentee="E1", lang="ru")
    (row,) = build_view(doc, "en")["unmatched"]
    (block,) = row["explanation"]["main"]
    assert [e["head"] for e in block["entries"]] == ["record the name of mentor R1"]


def test_one_wording_names_people_as_its_presenter_does():
    """The same suggested change: ids in the terminal, names in the report, 'this mentee' for
    the mentee it is for."""
    doc = {"program": {"forms": {"teacher_student": {"title_en": "Teacher – student"}}}}
    change = {"change": "consent", "mentor_id": "R1", "params": {"missing": [
        {"who": "mentee", "id": "E1", "consent": "consent"}, {"who": "mentor", "id": "R1", "consent": "data_consent"}]}}
    names = {"E1": "Ann (E1)", "R1": "Bob (R1)"}
    terminal = Words(doc, "en", "terminal", person=str, shown=dict)
    report = Words(doc, "en", "report", person=names.get, shown=dict)
    assert terminal.change(change) == ("obtain consent to take part (mentee E1), "
                                       "consent to personal data processing (mentor R1)")
    assert report.change(change, self_id="E1") == ("obtain consent: this mentee: consent to take part; "
                                                   "mentor Bob (R1): consent to personal data processing")
    assert terminal.form("teacher_student") == report.form("teacher_student") == "Teacher – student"


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
    assert "mentor R1" in shown.output


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
