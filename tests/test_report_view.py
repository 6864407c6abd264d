"""The named steps `report.build_view` is made of, each on a small hand-made document."""
from __future__ import annotations

from test_report import data_text

from matcher.report import _Explainer, _solver_status, _Texts, _units, build_view


def pair(mentor, mentee, form, name):
    return {"mentor_id": mentor, "mentor_name": f"Mentor {mentor}", "mentee_id": mentee, "mentee_name": name,
            "form": form, "score": 0.5, "priority": 0}


DOC = {
    "program": {"forms": {"a": {"title_en": "Form A"}, "b": {"title_en": "Form B"}}},
    "pairs": [pair("M2", "E1", "a", "Yan"), pair("M1", "E2", "b", "Ann"), pair("M1", "E3", "a", "Zoe"),
              pair("M1", "E4", "a", "Bob")],
    "mentors": [{"mentor_id": "M1", "mentor_name": "Mentor M1", "capacity": 3, "load": 3},
                {"mentor_id": "M2", "mentor_name": "Mentor M2", "capacity": 2, "load": 1}],
}


def test_units_go_by_mentor_then_form_and_their_rows_are_numbered_through_the_list():
    units, rows = _units(DOC, DOC["pairs"], DOC["mentors"], ["a", "b"], _Texts("en"), _Explainer(DOC, "en"),
                         "en", None)
    assert [(u["mentor_id"], u["form"]) for u in units] == [("M1", "a"), ("M1", "b"), ("M2", "a")]
    assert [[(r["num"], r["mentee_name"]) for r in u["rows"]] for u in units] == [
        [(1, "Bob"), (2, "Zoe")], [(3, "Ann")], [(4, "Yan")]]
    assert rows == 4
    assert [u["is_group"] for u in units] == [True, False, False]
    assert units[0]["places"] == "places taken: 3 of 3"


def test_a_solution_not_proven_optimal_shows_its_gap_and_no_proof():
    status = _solver_status({"status": "FEASIBLE", "gap": 0.0125}, _Texts("en"), "en")
    assert status == {"status": "Optimality not proven", "proven": False, "proof": "",
                      "gap": "gap to the optimum's bound: 1.25%", "resolution": ""}


def test_the_view_puts_the_steps_together():
    view = build_view(DOC, "en")
    assert view["pairs_total"] == 4
    # 4 pairs: M1's two in form a are a group, M1's one in b and M2's one are individual
    assert view["cards"]["units"] == "4"
    assert view["cards"]["units_detail"] == _Texts("en")("card_units_value", individual_pairs=2, groups=1,
                                                         mentees_in_groups=2)
    assert view["pairs_count"] == "4 pairs, 1 group"
    assert view["cards"]["status"] == _solver_status({}, _Texts("en"), "en")["status"]
    assert [f["value"] for f in view["forms"]] == ["a", "b"]


def test_above_the_threshold_the_html_gets_the_first_page_and_the_data_every_row():
    view = build_view(DOC, "en", inline_units=2, page_units=2)
    assert [(u["mentor_id"], u["form"]) for u in view["units_html"]] == [("M1", "a"), ("M1", "b")]
    data = view["data"]
    names = [[(r[0], data["s"][r[1]]) for r in u[7]] for u in data["u"]]  # no numbers in them: plain strings
    assert names == [[(1, "Bob"), (2, "Zoe")], [(3, "Ann")], [(4, "Yan")]]
    assert view["rows_note"].startswith("A long list: the first 3 of 4 pairs are shown at once")
    small = build_view(DOC, "en")
    assert small["data"] is None and small["units_html"] == small["units"] and small["rows_note"] == ""


def test_filters_offer_the_priorities_and_classes_the_pairs_have_and_the_score_bands():
    pairs = [dict(pair("M1", "E1", "a", "Ann"), priority=2, mentee_grade="10В"),
             dict(pair("M1", "E2", "a", "Bob"), priority=0, mentee_grade="7Б"),
             dict(pair("M2", "E3", "b", "Cid"), priority=2, mentee_grade=None),
             dict(pair("M2", "E4", "b", "Dan"), priority=0, mentee_grade="7Б")]
    view = build_view({**DOC, "pairs": pairs}, "en")
    assert view["priorities"] == [{"value": "2", "title": "priority 2"}, {"value": "0", "title": "regular (0)"}]
    assert [c["value"] for c in view["classes"]] == ["7Б", "10В"]  # by grade, then letter; none left out
    assert [b["value"] for b in view["score_bands"]] == ["lo", "mid", "hi"]
    assert view["score_bands"][0]["title"] == "weak: below 0.40"
    rows = {r["mentee_id"]: r for u in view["units"] for r in u["rows"]}
    assert (rows["E1"]["class"], rows["E3"]["class"]) == ("10В", "")


def test_a_filter_with_a_single_value_is_left_out():
    view = build_view(DOC, "en")  # every pair priority 0, no classes
    assert view["priorities"] == [] and view["classes"] == []


def test_the_page_data_carries_each_rows_priority_and_class_for_the_filters():
    pairs = [dict(p, priority=k % 2, mentee_grade=f"{5 + k}А") for k, p in enumerate(DOC["pairs"])]
    data = build_view({**DOC, "pairs": pairs}, "en", inline_units=1, page_units=1)["data"]
    rows = {data_text(data, r[2]): (r[17], data_text(data, r[18])) for u in data["u"] for r in u[7]}
    assert rows == {p["mentee_id"]: (p["priority"], p["mentee_grade"]) for p in pairs}
