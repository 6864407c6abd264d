"""`matcher rematch` as a curator runs it mid-year: from a result folder or an edited pairs.csv,
with changes since; the full new state plus changes.csv as one output set; `matcher explain` on
the result; every input problem at file:row:column, in Russian and English, never a traceback."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from matcher.cli import main
from matcher.io.outputset import verify_output_set
from matcher.io.writers import participant_table, write_csv
from matcher.models import Participant
from matcher.sample import write_sample


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def read_csv(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


@pytest.fixture(scope="module")
def first_round(tmp_path_factory):
    """A sample school of 40 mentees and its `matcher match` result."""
    base = tmp_path_factory.mktemp("school")
    mentees, mentors = write_sample(base, n_mentees=40, seed=4)
    done = run("match", "--mentors", mentors, "--mentees", mentees, "--out", base / "r1", "-q", "--lang", "en")
    assert done.exit_code == 0, done.output
    return base, mentors, mentees


def _without_consent(mentees_csv, mentee_id, out):
    """The mentees' file with one mentee's consent withdrawn (the curator's edit)."""
    text = mentees_csv.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    column = rows[0].index("Согласие на участие")
    for row in rows[1:]:
        if row[0] == mentee_id:
            row[column] = "нет"
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
    out.write_text(buf.getvalue(), encoding="utf-8-sig")
    return out


def test_rematch_keeps_working_pairs_and_writes_changes_csv_into_the_same_output_set(first_round, tmp_path):
    base, mentors, mentees = first_round
    pairs = read_csv(base / "r1" / "pairs.csv")
    # Three pairs change for three reasons: a withdrawn consent, a replacement request, a mentee who left.
    consent, replaced, left = (p["mentee_id"] for p in pairs[:3])
    edited = _without_consent(mentees, consent, tmp_path / "mentees.csv")
    done = run("rematch", "--previous", base / "r1", "--mentors", mentors, "--mentees", edited, "--replace", replaced,
               "--left", left, "--out", tmp_path / "r2", "-q", "--lang", "en", "--headers", "ru")
    assert done.exit_code == 0, done.output
    names = sorted(p.name for p in (tmp_path / "r2").iterdir())
    assert names == ["changes.csv", "manifest.json", "pairs.csv", "report.html", "result.json", "unmatched.csv"]
    verify_output_set(tmp_path / "r2")  # one run's set, changes.csv included
    changes = read_csv(tmp_path / "r2" / "changes.csv")
    assert list(changes[0]) == ["Изменение", "Код наставляемого", "Наставляемый", "Код прежнего наставника",
                                "Прежний наставник", "Код наставника", "Наставник", "Форма", "Код причины", "Причина"]
    by_mentee = {r["Код наставляемого"]: r for r in changes}
    assert by_mentee[consent]["Код причины"] == "rule_broken" and by_mentee[consent]["Изменение"] == "dissolved"
    assert by_mentee[replaced]["Код причины"] == "replacement_requested"
    assert by_mentee[replaced]["Код наставника"] != by_mentee[replaced]["Код прежнего наставника"]
    assert (by_mentee[left]["Изменение"], by_mentee[left]["Код причины"]) == ("dissolved", "mentee_left")
    # Every other previous pair is kept as it was.
    new_pairs = {(p["Код наставляемого"], p["Код наставника"]) for p in read_csv(tmp_path / "r2" / "pairs.csv")}
    for p in pairs[3:]:
        assert (p["mentee_id"], p["mentor_id"]) in new_pairs
        assert by_mentee[p["mentee_id"]]["Изменение"] == "kept"
    assert "Changes since the previous round (keep):" in done.output
    html = (tmp_path / "r2" / "report.html").read_text(encoding="utf-8")
    assert 'id="changes"' in html and "What changed since the previous round" in html


def test_explain_on_a_rematch_result_says_why_a_pair_moved_or_was_dissolved(first_round, tmp_path):
    base, mentors, mentees = first_round
    pairs = read_csv(base / "r1" / "pairs.csv")
    replaced, left, kept = pairs[0], pairs[1], pairs[2]
    done = run("rematch", "--previous", base / "r1", "--mentors", mentors, "--mentees", mentees,
               "--replace", replaced["mentee_id"], "--left", left["mentee_id"], "--out", tmp_path / "r2", "-q")
    assert done.exit_code == 0, done.output
    for lang, moved_words, dissolved_words in (("en", "asked for another mentor", "left the programme"),
                                               ("ru", "другого наставника", "из программы")):
        moved = run("explain", tmp_path / "r2", "--mentee", replaced["mentee_id"], "--lang", lang)
        assert moved.exit_code == 0, moved.output
        assert moved_words in moved.output and replaced["mentor_id"] in moved.output
        gone = run("explain", tmp_path / "r2", "--mentee", left["mentee_id"], "--lang", lang)
        assert gone.exit_code == 0 and dissolved_words in gone.output, gone.output
        old_pair = run("explain", tmp_path / "r2", "--pair", replaced["mentor_id"], replaced["mentee_id"],
                       "--lang", lang)
        assert old_pair.exit_code == 0 and moved_words in old_pair.output, old_pair.output
    # A kept pair is explained as on a match result, and says it was kept.
    same = run("explain", tmp_path / "r2", "--pair", kept["mentor_id"], kept["mentee_id"], "--lang", "en")
    assert same.exit_code == 0 and "How the score is made up:" in same.output
    assert "is kept from the previous round" in same.output and "The consilium locked" not in same.output


def test_rematching_its_own_result_with_no_changes_changes_nothing(first_round, tmp_path):
    base, mentors, mentees = first_round
    pairs = read_csv(base / "r1" / "pairs.csv")
    for mode in ("keep", "repair"):  # round 2 with changes, round 3 in the same mode without
        assert run("rematch", "--previous", base / "r1", "--mentors", mentors, "--mentees", mentees, "--replace",
                   pairs[0]["mentee_id"], "--left", pairs[1]["mentee_id"], "--out", tmp_path / f"r2-{mode}", "--mode",
                   mode, "-q").exit_code == 0
        again = run("rematch", "--previous", tmp_path / f"r2-{mode}", "--mentors", mentors, "--mentees", mentees,
                    "--out", tmp_path / f"r3-{mode}", "--mode", mode, "-q")
        assert again.exit_code == 0, again.output
        assert {r["change"] for r in read_csv(tmp_path / f"r3-{mode}" / "changes.csv")} == {"kept"}
        assert (tmp_path / f"r3-{mode}" / "pairs.csv").read_bytes() == \
            (tmp_path / f"r2-{mode}" / "pairs.csv").read_bytes()
        doc = json.loads((tmp_path / f"r3-{mode}" / "result.json").read_text(encoding="utf-8"))
        assert doc["rematch"]["round"] == 3
        # The replacement and the departure of round 2 still hold in round 3 (the questionnaires still list them).
        assert {"mentee_id": pairs[0]["mentee_id"], "mentor_id": pairs[0]["mentor_id"]} in doc["forbids"]
        assert doc["rematch"]["gone"] == {pairs[1]["mentee_id"]: "left"}
    # Back in round 3: paired again (the old pair is never proposed again), a new pair of round 3.
    back = run("rematch", "--previous", tmp_path / "r2-keep", "--mentors", mentors, "--mentees", mentees, "--returned",
               pairs[1]["mentee_id"], "--out", tmp_path / "r3-back", "-q")
    assert back.exit_code == 0, back.output
    doc = json.loads((tmp_path / "r3-back" / "result.json").read_text(encoding="utf-8"))
    assert doc["rematch"]["gone"] == {}
    assert (pairs[1]["mentee_id"], pairs[1]["mentor_id"]) not in {(p["mentee_id"], p["mentor_id"]) for p in doc["pairs"]}


def test_an_edited_pairs_csv_with_unknown_ids_or_over_capacity_is_rejected_with_file_row_messages(first_round,
                                                                                                  tmp_path):
    base, mentors, mentees = first_round
    pairs = read_csv(base / "r1" / "pairs.csv")
    mentor_rows = json.loads((base / "r1" / "result.json").read_text(encoding="utf-8"))["mentors"]
    one_place = next(m for m in mentor_rows if m["capacity"] == 1 and m["load"] == 1)
    free = next(p["mentee_id"] for p in pairs if p["mentor_id"] != one_place["mentor_id"])
    rows = [[p["mentor_id"], p["mentor_name"], p["mentee_id"], p["mentee_name"], p["form"]] for p in pairs]
    for row in rows:  # a second mentee for a mentor with one place
        if row[2] == free:
            row[0] = one_place["mentor_id"]
    rows += [["T999", "Нет такого", pairs[-1]["mentee_id"], "", ""],      # row len+2: unknown mentor
             [pairs[-1]["mentor_id"], "", "S999", "Нет такой", ""]]       # unknown mentee
    edited = tmp_path / "pairs.csv"
    write_csv(edited, ["Код наставника", "Наставник", "Код наставляемого", "Наставляемый", "Форма"], rows,
              encoding="utf-8-sig")
    for lang, words in (("en", ("no mentor with id 'T999'", "no mentee with id 'S999'", "takes at most 1")),
                        ("ru", ("наставника с кодом «T999» нет", "наставляемого с кодом «S999» нет",
                                "берёт не больше 1"))):
        done = run("rematch", "--previous", edited, "--mentors", mentors, "--mentees", mentees, "--out",
                   tmp_path / "r2", "-q", "--lang", lang)
        assert done.exit_code == 1, done.output
        assert "Traceback" not in done.output and isinstance(done.exception, SystemExit)
        n = len(pairs)
        assert f"{edited}:{n + 2}:Код наставника:" in done.output and words[0] in done.output
        assert f"{edited}:{n + 3}:Код наставляемого:" in done.output and words[1] in done.output
        assert words[2] in done.output and f"{edited}:" in done.output
        assert not (tmp_path / "r2").exists()


def test_a_changes_file_with_an_unknown_change_is_rejected_at_its_row_and_column(first_round, tmp_path):
    base, mentors, mentees = first_round
    changes = tmp_path / "changes.csv"
    write_csv(changes, ["Код", "Изменение"], [["S0001", "выбыл"], ["S0002", "ушёл в отпуск"]], encoding="utf-8-sig")
    done = run("rematch", "--previous", base / "r1", "--mentors", mentors, "--mentees", mentees, "--changes", changes,
               "--out", tmp_path / "r2", "-q", "--lang", "ru")
    assert done.exit_code == 1 and "Traceback" not in done.output
    assert f"{changes}:3:Изменение: ошибка: неизвестное изменение «ушёл в отпуск»" in done.output
    # An id nobody knows, now or in the previous round, is refused at its row too.
    write_csv(changes, ["id", "change"], [["S9999", "left"]])
    done = run("rematch", "--previous", base / "r1", "--mentors", mentors, "--mentees", mentees, "--changes", changes,
               "--out", tmp_path / "r2", "-q", "--lang", "en")
    assert done.exit_code == 1 and f"{changes}:2:id: error: no participant with id 'S9999'" in done.output
    assert not (tmp_path / "r2").exists()


def _people_csv(tmp_path, people):
    headers, rows = participant_table(people)
    path = tmp_path / "people.csv"
    write_csv(path, headers, rows)
    return path


def test_keep_mode_that_cannot_hold_a_group_exits_3_and_points_to_repair(tmp_path):
    def person(pid, role, **kw):
        base = dict(id=pid, role=role, category="teacher" if role == "mentor" else "student",
                    forms=["teacher_student"], consent=True, data_consent=True, guardian_consent=True,
                    age=40 if role == "mentor" else 12, grade=None if role == "mentor" else 6)
        return Participant(**{**base, **kw})

    # T1 leads a group of at least two; one of its two mentees left, and nobody else may join.
    people = [person("T1", "mentor", capacity=3, group_min=2), person("T2", "mentor"),
              person("S1", "mentee"), person("S2", "mentee")]
    previous = tmp_path / "pairs.csv"
    write_csv(previous, ["mentor_id", "mentee_id"], [["T1", "S1"], ["T1", "S2"]])
    src = _people_csv(tmp_path, people)
    keep = run("rematch", "--previous", previous, "--participants", src, "--left", "S2", "--out", tmp_path / "k",
               "-q", "--lang", "en")
    assert keep.exit_code == 3, keep.output
    assert "--mode repair" in keep.output and "Traceback" not in keep.output
    repair = run("rematch", "--previous", previous, "--participants", src, "--left", "S2", "--out", tmp_path / "r",
                 "-q", "--lang", "en", "--mode", "repair")
    assert repair.exit_code == 0, repair.output
    changes = {r["mentee_id"]: r for r in read_csv(tmp_path / "r" / "changes.csv")}
    assert (changes["S1"]["change"], changes["S1"]["mentor_id"]) == ("moved", "T2")
    assert (changes["S2"]["change"], changes["S2"]["reason_code"]) == ("dissolved", "mentee_left")


def test_a_result_folder_whose_pairs_csv_was_edited_is_refused_and_the_file_itself_suggested(first_round, tmp_path):
    import shutil

    base, mentors, mentees = first_round
    folder = tmp_path / "results"
    shutil.copytree(base / "r1", folder)
    lines = (folder / "pairs.csv").read_text(encoding="utf-8-sig").splitlines(keepends=True)
    (folder / "pairs.csv").write_text("".join(lines[:2] + lines[3:]), encoding="utf-8-sig")  # a pair taken out
    done = run("rematch", "--previous", folder, "--mentors", mentors, "--mentees", mentees, "--out", tmp_path / "r2",
               "-q", "--lang", "en")
    assert done.exit_code == 1 and f"--previous {folder / 'pairs.csv'}" in done.output
    done = run("rematch", "--previous", folder / "pairs.csv", "--mentors", mentors, "--mentees", mentees, "--out",
               tmp_path / "r2", "-q", "--lang", "en")
    assert done.exit_code == 0, done.output
    changes = read_csv(tmp_path / "r2" / "changes.csv")
    assert len([r for r in changes if r["change"] != "new"]) == len(lines) - 2  # every pair left in the file


def test_untrusted_names_are_escaped_in_the_report_and_neutralised_in_changes_csv(tmp_path):
    import matcher
    from matcher.rematch import ChangeRequest
    from matcher.rematch.inputs import Previous, PreviousPair

    def person(pid, role, **kw):
        base = dict(id=pid, role=role, category="teacher" if role == "mentor" else "student",
                    forms=["teacher_student"], consent=True, data_consent=True, guardian_consent=True,
                    age=40 if role == "mentor" else 12, grade=None if role == "mentor" else 6)
        return Participant(**{**base, **kw})

    people = [person("T1", "mentor", name="<script>alert(1)</script>"), person("T2", "mentor", name="=1+2"),
              person("S1", "mentee", name="<b>Ученик</b>")]
    previous = Previous("r1", "result", [PreviousPair("S1", "T1", "teacher_student", "r1/result.json", None)], [])
    done = matcher.run_rematch(people, matcher.load_config(), tmp_path / "r2", previous,
                               requests=[ChangeRequest("replace", "S1")], lang="ru")
    assert done.written and done.round.mode == "keep"
    html = (tmp_path / "r2" / "report.html").read_text(encoding="utf-8")
    assert 'id="changes"' in html and "Что изменилось с прошлого тура" in html
    assert "<script>alert(1)" not in html and "<b>Ученик</b>" not in html and "&lt;b&gt;Ученик" in html
    rows = read_csv(tmp_path / "r2" / "changes.csv")
    assert rows[0]["mentor_name"] == "'=1+2" and rows[0]["change"] == "смена наставника"


def test_the_reasons_of_a_change_agree_with_the_gender_of_who_left_asked_or_withdrew(first_round, tmp_path):
    """«наставляемая выбыла», «наставник отказалась»: the Russian reason agrees with the
    person it speaks of (a woman and a man of each role, from the questionnaires)."""
    base, mentors, mentees = first_round
    doc = json.loads((base / "r1" / "result.json").read_text(encoding="utf-8"))
    pairs = doc["pairs"]
    by_gender = {g: [p for p in pairs if p.get("mentee_gender") == g] for g in ("f", "m")}
    assert by_gender["f"] and by_gender["m"], "the fixture has mentees of both genders"
    left, replaced = by_gender["f"][0], by_gender["m"][0]
    done = run("rematch", "--previous", base / "r1", "--mentors", mentors, "--mentees", mentees,
               "--left", left["mentee_id"], "--replace", replaced["mentee_id"], "--out", tmp_path / "r2", "-q",
               "--lang", "ru")
    assert done.exit_code == 0, done.output
    reason = {r["mentee_id"]: r["reason"] for r in read_csv(tmp_path / "r2" / "changes.csv")}
    assert reason[left["mentee_id"]].startswith("наставляемая выбыла из программы"), reason[left["mentee_id"]]
    assert reason[replaced["mentee_id"]].startswith("наставляемый попросил другого наставника")
    assert "прежний для него исключён" in reason[replaced["mentee_id"]]


def test_the_previous_round_read_without_its_explanations_is_the_round_read_whole(first_round, tmp_path):
    """A round reads from the previous result.json only what it uses (a pair's record up to its
    components): the same Previous as reading the whole file, for a match result, a rematch
    result, and names that look like the file's own keys; any other layout is read whole."""
    import matcher
    from matcher.explain_text import load_result
    from matcher.rematch.inputs import Previous, PreviousPair, _lean_document, previous_from_document

    base, mentors, mentees = first_round
    done = run("rematch", "--previous", base / "r1", "--mentors", mentors, "--mentees", mentees, "--out",
               tmp_path / "r2", "-q", "--lang", "en")
    assert done.exit_code == 0, done.output
    tricky = 'Иван", "components": {"x": 1}, "explanation": {'
    people = [Participant(id="T1", role="mentor", name=tricky, category="teacher", forms=["teacher_student"],
                          consent=True, data_consent=True, age=40),
              Participant(id="S1", role="mentee", name=tricky + "\n]", category="student", forms=["teacher_student"],
                          consent=True, data_consent=True, guardian_consent=True, age=12, grade=6)]
    previous = Previous("r1", "result", [PreviousPair("S1", "T1", "teacher_student", "r1/result.json", None)], [])
    assert matcher.run_rematch(people, matcher.load_config(), tmp_path / "r3", previous, lang="ru").written
    for folder in (base / "r1", tmp_path / "r2", tmp_path / "r3"):
        lean = _lean_document(folder)
        assert lean is not None and lean["pairs"] and "explanation" not in lean["pairs"][0]
        assert previous_from_document(lean, "r", ["result.json"]) == previous_from_document(load_result(folder), "r",
                                                                                           ["result.json"])
    assert previous_from_document(_lean_document(tmp_path / "r3"), "r").names["T1"] == tricky
    compact = tmp_path / "compact"
    compact.mkdir()
    (compact / "result.json").write_text(json.dumps(load_result(base / "r1"), ensure_ascii=False), encoding="utf-8")
    assert _lean_document(compact) is None
