"""`matcher explain RESULT_DIR --mentee ID | --mentor ID | --pair MENTOR MENTEE`: the
explanation from result.json alone, in Russian or English; clear messages (exit 1) for an
unknown id and a missing or damaged result.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from matcher import conflicts  # noqa: F401 - registers the conflict messages
from matcher.cli import main
from matcher.explain_text import ExplainError, explain_text, load_result
from matcher.i18n import MESSAGES

LANGS = ("ru", "en")


@pytest.fixture(scope="module")
def result_dir(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("explain")
    runner = CliRunner()
    out = runner.invoke(main, ["sample", "--mentees", "60", "--seed", "3", "--out", str(base / "in")])
    assert out.exit_code == 0, out.output
    out = runner.invoke(main, ["match", "--mentors", str(base / "in" / "mentors.csv"), "--mentees",
                               str(base / "in" / "mentees.csv"), "--out", str(base / "out"), "--quiet"])
    assert out.exit_code == 0, out.output
    return base / "out"


@pytest.fixture(scope="module")
def doc(result_dir) -> dict:
    return json.loads((result_dir / "result.json").read_text(encoding="utf-8"))


def explain(result_dir, *args, lang="en"):
    return CliRunner().invoke(main, ["explain", str(result_dir), *args, "--lang", lang])


@pytest.mark.parametrize("lang", LANGS)
def test_a_paired_mentee_is_explained_with_score_parts_and_alternatives(result_dir, doc, lang):
    pair = next(p for p in doc["pairs"] if p["explanation"]["alternatives"])
    result = explain(result_dir, "--mentee", pair["mentee_id"], lang=lang)
    assert result.exit_code == 0, result.output
    assert pair["mentor_id"] in result.output and pair["mentee_id"] in result.output
    words = {"ru": ["Оценка пары", "Из чего сложилась оценка", "Другие наставники"],
             "en": ["Pair score", "How the score is made up", "Other mentors"]}[lang]
    for word in words:
        assert word in result.output
    for alt in pair["explanation"]["alternatives"]:
        assert alt["mentor_id"] in result.output


@pytest.mark.parametrize("lang", LANGS)
def test_an_unmatched_mentee_is_explained_with_the_reason_and_what_would_help(result_dir, doc, lang):
    assert doc["unmatched"], "the sample school leaves someone without a pair"
    u = next((u for u in doc["unmatched"] if u["explanation"]["suggestions"]), doc["unmatched"][0])
    result = explain(result_dir, "--mentee", u["mentee_id"], lang=lang)
    assert result.exit_code == 0, result.output
    assert {"ru": "остался без пары", "en": "has no pair"}[lang] in result.output
    if u["explanation"]["suggestions"]:
        assert {"ru": "Что даст пару", "en": "What would give a pair"}[lang] in result.output


@pytest.mark.parametrize("lang", LANGS)
def test_a_mentor_is_explained_with_load_and_mentees(result_dir, doc, lang):
    mentor = next(m for m in doc["mentors"] if m["mentees"])
    result = explain(result_dir, "--mentor", mentor["mentor_id"], lang=lang)
    assert result.exit_code == 0, result.output
    assert f"{mentor['load']}" in result.output and mentor["mentees"][0] in result.output


@pytest.mark.parametrize("lang", LANGS)
def test_a_pair_and_a_pair_that_is_not_in_the_result_are_both_explained(result_dir, doc, lang):
    pair = doc["pairs"][0]
    result = explain(result_dir, "--pair", pair["mentor_id"], pair["mentee_id"], lang=lang)
    assert result.exit_code == 0 and pair["mentee_name"] in result.output
    other = next(m["mentor_id"] for m in doc["mentors"] if m["mentor_id"] != pair["mentor_id"])
    result = explain(result_dir, "--pair", other, pair["mentee_id"], lang=lang)
    assert result.exit_code == 0, result.output
    assert {"ru": "не составляют пару", "en": "are not a pair"}[lang] in result.output


@pytest.mark.parametrize("lang", LANGS)
def test_an_unknown_id_is_a_clear_message_and_exit_1(result_dir, lang):
    for args in (["--mentee", "NOBODY"], ["--mentor", "NOBODY"], ["--pair", "NOBODY", "NOBODY"]):
        result = explain(result_dir, *args, lang=lang)
        assert result.exit_code == 1
        assert "NOBODY" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("content", [None, "{not json", json.dumps({"format": "something else"})],
                         ids=["missing", "corrupt", "not-a-result"])
def test_a_missing_or_damaged_result_is_a_clear_message_and_exit_1(tmp_path, content):
    if content is not None:
        (tmp_path / "result.json").write_text(content, encoding="utf-8")
    for lang in LANGS:
        result = explain(tmp_path, "--mentee", "E1", lang=lang)
        assert result.exit_code == 1, result.output
        assert "result.json" in result.output and "Traceback" not in result.output


def test_asking_nothing_is_a_usage_error(result_dir):
    result = explain(result_dir)
    assert result.exit_code == 2 and "--mentee" in result.output


def test_the_text_is_rendered_from_the_document_alone(doc):
    """No questionnaires, no solver: the document is all explain_text reads."""
    pair = doc["pairs"][0]
    text = explain_text(json.loads(json.dumps(doc)), mentee=pair["mentee_id"], lang="ru")
    assert pair["mentor_id"] in text
    with pytest.raises(ExplainError) as err:
        explain_text(doc, mentor="NOBODY")
    assert err.value.code == "explain.unknown_mentor" and err.value.exit_code == 1


def test_load_result_rejects_a_directory_without_a_result(tmp_path):
    with pytest.raises(ExplainError) as err:
        load_result(tmp_path)
    assert err.value.code == "explain.no_result"


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)(?::[^}]*)?\}", text))  # {count} and {count:plural:...}


def test_every_explanation_message_has_russian_and_english_with_the_same_parameters():
    codes = [c for c in MESSAGES if c.startswith(("explain.", "conflict."))]
    assert len(codes) > 50
    for code in codes:
        ru, en = MESSAGES[code]
        assert ru.strip() and en.strip(), code
        assert _placeholders(ru) == _placeholders(en), code
        # parameters (plural forms too), commands, options, files aside
        words = re.sub(r"\{\w+(?::(?:plural|gender):[^}]*)?\}|`[^`]*`|--\w+|\w+\.json|JSON", "", ru)
        assert not re.search("[a-zA-Z]{3,}", words), (code, ru)


def test_an_id_pasted_with_invisible_characters_is_explained_as_the_id_itself(doc):
    mentee = (doc.get("pairs") or doc["unmatched"])[0]["mentee_id"]
    assert explain_text(doc, mentee=f"\u200b{mentee}\u00a0") == explain_text(doc, mentee=mentee)
