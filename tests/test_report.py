"""report.html as a document: what it shows, what it hides, and that data stays data.

The browser-level checks (console, network, sorting) are in test_report_browser.py.
"""
from __future__ import annotations

import base64
import copy
import hashlib
import re
from html.parser import HTMLParser

import pytest

from matcher.config import load_config
from matcher.models import Participant
from matcher.pipeline import match
from matcher.report import anonymized, build_view, fmt_share, initials, render_report, write_report
from matcher.results import result_document

HOSTILE_MENTEE = "<script>alert(1)</script>"
HOSTILE_MENTOR = '"><img src=x onerror=alert(2)>'


# -- a small school, matched by the real pipeline -------------------------------------------------

def person(pid, name, role, category, forms, age, **fields):
    consent = dict(consent=True, data_consent=True, guardian_consent=True)
    consent.update(fields)
    return Participant(id=pid, name=name, role=role, category=category, forms=forms, age=age, **consent)


def school() -> list[Participant]:
    """Three forms, a mentor who can take a group, a mentee without consent, two hostile names,
    and sensitive notes on two people."""
    return [
        person("T01", "Иванова Мария Сергеевна", "mentor", "teacher", ["teacher_student"], 45, capacity=3,
               interests=["шахматы"]),
        person("T02", "Петров Олег Иванович", "mentor", "teacher", ["teacher_teacher"], 50, subjects=["физика"]),
        person("S01", "Смирнова Анна Павловна", "mentor", "student", ["student_student"], 16, grade=10),
        person("T03", HOSTILE_MENTOR, "mentor", "teacher", ["teacher_student"], 38),
        person("S10", "Кузнецов Илья Андреевич", "mentee", "student", ["teacher_student"], 13, grade=7, priority=1,
               interests=["шахматы"], sensitive={"health": "астма"}),
        person("S11", HOSTILE_MENTEE, "mentee", "student", ["teacher_student"], 14, grade=8),
        person("S12", "Орлова Вера Дмитриевна", "mentee", "student", ["student_student"], 11, grade=5),
        person("T10", "Соколов Артём Викторович", "mentee", "young_teacher", ["teacher_teacher"], 24,
               experience_years=1, subjects=["физика"]),
        person("S13", "Зайцева Ольга Петровна", "mentee", "student", ["teacher_student"], 12, grade=6, consent=False,
               sensitive={"register": "ВШУ"}),
        person("S14", "Белов Глеб Романович", "mentee", "student", ["teacher_student"], 12, grade=6),
    ]


def school_document() -> dict:
    result = match(school(), load_config(), time_limit=10)
    doc = result_document(result, input_files=["mentors.csv", "mentees.csv"])
    try:
        from matcher.explain import add_explanations
        add_explanations(doc, result)
    except Exception:  # pragma: no cover - explanations are optional for the report
        pass
    return doc


def sensitive_mapping() -> dict:
    return {p.id: dict(p.sensitive) for p in school() if p.sensitive}


@pytest.fixture(scope="module")
def doc() -> dict:
    return school_document()


# -- a minimal DOM from the standard library --------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def find_all(self, tag=None, cls=None, **attrs) -> list["Node"]:
        out = []
        for child in self.children:
            if isinstance(child, Node):
                if ((tag is None or child.tag == tag) and (cls is None or cls in child.classes)
                        and all(child.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())):
                    out.append(child)
                out.extend(child.find_all(tag, cls, **attrs))
        return out

    def find(self, tag=None, cls=None, **attrs) -> "Node":
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag} class={cls} {attrs}>"
        return found[0]

    def text(self) -> str:
        parts = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag not in ("script", "style"):
                parts.append(child.text())
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    def name(self) -> str:
        """The text without what is shown beside a name (class or category, subjects)."""
        text = self.text()
        for about in self.find_all(cls="about"):
            text = text.replace(about.text(), "")
        return re.sub(r"\s+", " ", text).strip()


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#root", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def dom(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def visible_text(html: str) -> str:
    root = dom(html)
    shown = ("title", "placeholder", "aria-label")
    attrs = [v for n in root.find_all() for k, v in n.attrs.items() if k in shown and v]
    return root.text() + " " + " ".join(attrs)


# -- self-contained and safe -----------------------------------------------------------------------

def test_report_loads_nothing_from_outside(doc):
    html = render_report(doc, "en")
    root = dom(html)
    assert not root.find_all("link") and not root.find_all("img") and not root.find_all("iframe")
    assert all("src" not in n.attrs for n in root.find_all())
    assert not re.search(r"(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", html.replace("http://www.w3.org/2000/svg", ""))
    csp = root.find("meta", http_equiv="Content-Security-Policy").attrs["content"]
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp


def test_the_only_script_is_ours_and_pinned_by_its_hash(doc):
    html = render_report(doc, "en")
    scripts = dom(html).find_all("script")
    assert len(scripts) == 1
    body = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    csp = dom(html).find("meta", http_equiv="Content-Security-Policy").attrs["content"]
    assert f"script-src 'sha256-{digest}'" in csp


def test_questionnaire_text_is_shown_as_text_never_as_markup(doc):
    html = render_report(doc, "en")
    assert HOSTILE_MENTEE not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    root = dom(html)
    assert len(root.find_all("script")) == 1
    names = [n.text() for n in root.find_all(cls="person")]
    assert HOSTILE_MENTEE in names  # the parser decodes entities: the reader sees the literal text
    assert HOSTILE_MENTOR in names


def test_attribute_values_cannot_be_broken_out_of(doc):
    tricky = copy.deepcopy(doc)
    tricky["pairs"][0]["mentee_name"] = 'a" onmouseover="alert(3)'
    html = render_report(tricky, "en")
    assert 'onmouseover="alert(3)' not in html
    assert not [n for n in dom(html).find_all() if "onmouseover" in n.attrs]


# -- languages ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ru", "en"])
def test_report_renders_in_both_languages_without_leftover_placeholders(doc, lang):
    html = render_report(doc, lang)
    text = visible_text(html)
    assert dom(html).find("html").attrs["lang"] == lang
    assert not re.findall(r"\{[A-Za-z_]\w*\}", text)
    assert not re.findall(r"\b(?:report|component|rule_title|sensitive|unmatched|cli)\.[a-z_]+", text)


def test_russian_and_english_reports_speak_their_language(doc):
    ru, en = visible_text(render_report(doc, "ru")), visible_text(render_report(doc, "en"))
    assert "Наставнические пары и группы" in ru and "Об утверждении наставнических пар/групп" in ru
    assert "Mentoring pairs and groups" in en and "Mentoring pairs and groups" not in ru


# -- contents ----------------------------------------------------------------------------------------

def test_every_pair_is_one_row(doc):
    root = dom(render_report(doc, "en"))
    rows = root.find("table", id="plist").find_all("details", cls="pair")
    shown = sorted((r.attrs["data-mentee"].rsplit(" ", 1)[1], r.attrs["data-form"]) for r in rows)
    assert shown == sorted((p["mentee_id"], p["form"]) for p in doc["pairs"])


def test_a_mentor_with_several_mentees_is_shown_as_one_group(doc):
    by_mentor = {}
    for p in doc["pairs"]:
        by_mentor.setdefault((p["mentor_id"], p["form"]), []).append(p["mentee_id"])
    root = dom(render_report(doc, "en"))
    units = root.find("table", id="plist").find_all("tr", cls="unit")
    assert len(units) == len(by_mentor)
    for unit in units:
        mentor_id = unit.find(cls="umentor").find(cls="pid").text()
        mentees = [r.attrs["data-mentee"].rsplit(" ", 1)[1] for r in unit.find_all("details", cls="pair")]
        form = unit.find_all("details", cls="pair")[0].attrs["data-form"]
        assert sorted(mentees) == sorted(by_mentor[(mentor_id, form)])
        assert ("group" in unit.classes) == (len(mentees) > 1)
    assert any(len(v) > 1 for v in by_mentor.values()), "the sample school should form a group"


def test_each_pair_explains_its_score_component_by_component(doc):
    pair = doc["pairs"][0]
    root = dom(render_report(doc, "en"))
    row = [r for r in root.find_all("details", cls="pair") if r.attrs["data-mentee"].endswith(pair["mentee_id"])][0]
    reasons = [r.text() for r in row.find_all("td", cls="creason")]
    assert len(reasons) == len(pair["components"])
    assert all(reasons), "every component has its one-line reason"


def test_summary_shows_matched_share_unmatched_and_proven_optimum(doc):
    text = dom(render_report(doc, "en")).find("section", id="summary").text()
    s = doc["summary"]
    assert f"{s['matched_mentees']} of {s['mentees']}" in text
    assert "Optimality proven" in text if doc["solver"]["proven_optimal"] else "Optimality not proven" in text


def test_unproven_solution_shows_its_gap(doc):
    cut_short = copy.deepcopy(doc)
    cut_short["solver"].update(status="FEASIBLE", proven_optimal=False, gap=0.0123)
    en = dom(render_report(cut_short, "en")).find("section", id="summary").text()
    ru = dom(render_report(cut_short, "ru")).find("section", id="summary").text()
    assert "Optimality not proven" in en and "1.23%" in en
    assert "Оптимальность не доказана" in ru and "1,23 %" in ru  # the non-breaking space reads as a space


def test_unmatched_mentees_are_listed_with_their_reason(doc):
    section = dom(render_report(doc, "en")).find("section", id="unmatched")
    rows = section.find_all("tr", cls="unmatched-row")
    assert sorted(r.attrs["data-mentee"] for r in rows) == sorted(u["mentee_id"] for u in doc["unmatched"])
    assert all(r.find("td", cls="ureason").text() for r in rows)


def test_order_appendix_lists_every_pair_and_group_once(doc):
    root = dom(render_report(doc, "ru"))
    appendix = root.find("section", id="appendix")
    rows = appendix.find_all("tr", cls="order-row")
    numbers = [int(r.find_all("td")[0].text()) for r in rows]
    assert numbers == list(range(1, len(rows) + 1))
    listed = []
    for r in rows:
        cells = r.find_all("td")
        mentor = cells[1].name()
        for mentee in cells[2].find_all(cls="order-mentee"):
            listed.append((mentor, mentee.name()))
    expected = [(f"{p['mentor_name']} ({p['mentor_id']})", f"{p['mentee_name']} ({p['mentee_id']})")
                for p in doc["pairs"]]
    assert sorted(listed) == sorted(expected)
    assert "Об утверждении наставнических пар/групп" in appendix.text()
    assert "подпись" in appendix.text() and "№" in appendix.text()


def test_charts_count_every_pair_and_every_mentor(doc):
    view = build_view(doc, "en")
    assert sum(b["count"] for b in view["score_chart"]["bars"]) == len(doc["pairs"])
    assert sum(b["count"] for b in view["load_chart"]["bars"]) == len([m for m in doc["mentors"] if m["capacity"] > 0])
    root = dom(render_report(doc, "en"))
    assert len(root.find("section", id="mentors").find_all("svg")) == 2


def test_mentors_taking_no_mentee_this_time_are_not_on_the_load_chart():
    from matcher.report import load_chart

    mentors = [{"load": 0, "capacity": 0}, {"load": 0, "capacity": 0}, {"load": 0, "capacity": 2},
               {"load": 1, "capacity": 1}]
    bars = load_chart(mentors, "en")["bars"]
    assert [(b["count"], b["full_h"] > 0) for b in bars] == [(1, False), (1, True)]
    assert load_chart(mentors[:2], "ru") is None


def test_codes_the_catalogue_does_not_know_read_as_plain_words(doc):
    newer = copy.deepcopy(doc)
    newer["solver"]["proof"] = "quantum_oracle"
    newer["unmatched"] = [dict(u, blocked_by={"moon_phase": 3}) for u in newer["unmatched"]]
    text = visible_text(render_report(newer, "en", sensitive={doc["pairs"][0]["mentee_id"]: {"hobby_note": "x"}}))
    assert "proof: quantum_oracle" in text
    assert newer["unmatched"] and "moon_phase: 3" in text
    assert "hobby_note: x" in text


def test_report_without_pairs_or_unmatched_still_renders(doc):
    empty = copy.deepcopy(doc)
    empty["pairs"], empty["unmatched"] = [], []
    for m in empty["mentors"]:
        m["load"], m["mentees"] = 0, []
    text = dom(render_report(empty, "en")).text()
    assert "No pairs." in text and "Every mentee has a pair." in text


def test_report_reads_a_document_without_optional_parts(doc):
    bare = {k: v for k, v in copy.deepcopy(doc).items()
            if k not in ("locks", "input_warnings", "config", "candidates", "analysis", "metadata")}
    for p in bare["pairs"]:
        p.pop("explanation", None)
    for u in bare["unmatched"]:
        u.pop("explanation", None)
    assert len(dom(render_report(bare, "ru")).find_all("details", cls="pair")) == len(doc["pairs"])


# -- explanations (matcher.explain) ------------------------------------------------------------------

def with_hand_made_explanations(doc: dict) -> dict:
    """The document with explanations whose wording we know: one alternative of each kind,
    a checked suggestion, an unchecked one and a near miss."""
    d = copy.deepcopy(doc)
    pair = d["pairs"][0]
    form = pair["form"]
    pair["explanation"] = {
        "score": pair["score"], "mentor_rank": 2, "mentor_candidates": 5, "mentee_rank": 1, "mentee_candidates": 3,
        "locked": False,
        "alternatives": [
            {"mentor_id": "M-TAKEN", "mentor_name": "Занятова Анна Ивановна", "form": form, "score": 0.9,
             "status": "taken", "load": 1, "capacity": 1, "mentees": ["X1"],
             "forcing": {"checked": True, "feasible": True, "proven": True, "objective_delta": -5,
                         "levels": {"matched": -1, "score": -5}, "matched_delta": -1, "score_delta": -0.25,
                         "moves": [{"mentee_id": "X1", "from": "M-TAKEN", "to": None}]}},
            {"mentor_id": "M-FREE", "mentor_name": "Свободин Пётр Ильич", "form": form, "score": 0.5,
             "status": "free_place", "load": 1, "capacity": 2, "forcing": {"checked": False, "reason": "budget"}},
            {"mentor_id": "M-BLOCKED", "mentor_name": "Молодов Ян Янович", "form": form, "score": 0.7,
             "status": "blocked", "rules": [{"code": "age_gap", "form": form,
                                             "details": {"gap": 6.0, "min": 9.0, "form": form}}]},
        ],
    }
    unmatched = d["unmatched"][0]
    unmatched["explanation"] = {
        "why": "no_candidate", "candidates": [], "candidates_total": 0,
        "near_misses": [{"mentor_id": "M-BLOCKED", "mentor_name": "Молодов Ян Янович", "score": 0.7, "code": "age_gap",
                         "form": form, "details": {"gap": 6.0, "min": 9.0, "form": form}}],
        "suggestions": [{"change": "capacity", "mentor_id": pair["mentor_id"], "params": {"from": 1, "to": 2},
                         "verified": True, "method": "incremental_flow",
                         "effect": {"mentor_id": pair["mentor_id"], "levels": {"matched": 1, "score": 400},
                                    "matched_delta": 1, "score_delta": 0.4, "moves": []}}],
        "unchecked": [{"change": "age_gap", "mentor_id": None, "params": {"form": form, "from": 9.0, "to": 6},
                       "verified": False, "reason": "budget"}],
    }
    return d


def test_a_pair_explains_ranks_alternatives_and_why_not_them(doc):
    d = with_hand_made_explanations(doc)
    pair = d["pairs"][0]
    row = [r for r in dom(render_report(d, "en")).find_all("details", cls="pair")
           if r.attrs["data-mentee"].endswith(pair["mentee_id"])][0]
    text = row.text()
    assert "For the mentee this mentor is No. 2 of 5 suitable mentors" in text
    assert "Занятова Анна Ивановна (M-TAKEN), score 0.90" in text
    assert ("Choosing this mentor instead: mentees paired: \u22121; sum of scores: \u22120.25; "
            "other mentees moved: 1.") in text
    assert "X1: M-TAKEN → no mentor" in text
    assert "Not checked: the re-solve budget ran out." in text
    assert "age gap of 6 years is below the minimum of 9" in text


def test_an_unmatched_mentee_shows_checked_suggestions_first_and_the_rest_on_request(doc):
    d = with_hand_made_explanations(doc)
    pair, unmatched = d["pairs"][0], d["unmatched"][0]
    row = dom(render_report(d, "en")).find("tr", data_mentee=unmatched["mentee_id"])
    cell = row.find("td", cls="ureason")
    on_request = cell.find("details", cls="uexplain")
    at_once = cell.text().replace(on_request.text(), "")
    assert f"give mentor {pair['mentor_name']} ({pair['mentor_id']}) one more place (1 → 2)" in at_once
    assert "checked by re-solving" in at_once
    assert f"Result: the mentor is {pair['mentor_name']} ({pair['mentor_id']}); mentees paired: +1" in at_once
    assert "lower the minimum age gap" in on_request.text() and "not checked" in on_request.text()
    assert "Молодов Ян Янович (M-BLOCKED), score 0.70" in on_request.text()


def test_suggestions_found_by_the_explainer_are_shown(doc):
    with_suggestions = [u for u in doc["unmatched"] if (u.get("explanation") or {}).get("suggestions")]
    assert with_suggestions, "in the sample school a consent would pair the mentee who refused"
    root = dom(render_report(doc, "en"))
    for u in with_suggestions:
        text = root.find("tr", data_mentee=u["mentee_id"]).text()
        for s in u["explanation"]["suggestions"]:
            assert "checked by re-solving" in text
            assert s["effect"]["mentor_id"] in text


def test_explanation_notes_and_analysis_are_worded(doc):
    d = copy.deepcopy(doc)
    d["explanations"] = {"notes": [{"code": "explain.note.changes_unchecked", "params": {"count": 7}}]}
    d["analysis"] = {"pairs_total": 40, "rules": {"consent": {"pairs_blocked": 10, "only_reason": 4}},
                     "components": {"interests": {"weight": 0.5, "total_contribution": 1.5, "mean_value": 0.75}}}
    root = dom(render_report(d, "en"))
    assert "7 possible changes for unmatched mentees were not checked" in root.find("section", id="pairs").text()
    analysis = root.find("section", id="analysis").text()
    assert "consent" in analysis and "25.0%" in analysis and "75.0%" in analysis


# -- privacy -----------------------------------------------------------------------------------------

def test_initials_replace_a_full_name():
    assert initials("Иванова Мария Сергеевна") == "И. М. С."
    assert initials("  петров   олег ") == "П. О."
    assert initials("") == ""


def test_anonymized_report_shows_initials_and_codes_but_no_names(doc):
    html = render_report(doc, "ru", anonymize=True)
    text = visible_text(html)
    assert "И. М. С." in text
    for p in doc["pairs"] + doc["unmatched"]:
        assert p["mentee_id"] in text
        for word in p["mentee_name"].split():
            if len(word) > 3 and word.isalpha():
                assert word not in html
    for m in doc["mentors"]:
        assert m["mentor_id"] in text
        for word in m["mentor_name"].split():
            if len(word) > 3 and word.isalpha():
                assert word not in html


def test_anonymizing_keeps_the_programme_name():
    doc = {"program": {"name": "Программа наставничества"}, "pairs": [{"mentor_name": "Иванова Мария Сергеевна"}]}
    out = anonymized(doc)
    assert out["program"]["name"] == "Программа наставничества"
    assert out["pairs"][0]["mentor_name"] == "И. М. С."
    assert doc["pairs"][0]["mentor_name"] == "Иванова Мария Сергеевна"  # the input is left alone


def test_sensitive_fields_stay_out_unless_asked(doc):
    default = render_report(doc, "ru")
    assert "астма" not in default and "ВШУ" not in default
    assert "не включены" in visible_text(default)
    shown = render_report(doc, "ru", sensitive=sensitive_mapping())
    root = dom(shown)
    assert "астма" in root.text() and "ВШУ" in root.text()
    assert "Не передавайте его за пределы консилиума" in root.text()
    paired = [r for r in root.find_all("details", cls="pair") if r.attrs["data-mentee"].endswith("S10")]
    if paired:  # the note is shown beside the person it belongs to
        assert "астма" in paired[0].text()


def test_match_command_keeps_sensitive_fields_out_by_default(tmp_path):
    import time

    from matcher.cli import run_match

    def run(out, **options):
        code = run_match("ru", load_config(), school(), pair_specs=[], engine="auto", time_limit=10, seed=0,
                         out_dir=out, xlsx=False, headers="en", quiet=True, input_files=[], warnings=[],
                         t0=time.perf_counter(), report_options=options)
        assert code == 0
        return (out / "report.html").read_text(encoding="utf-8")

    default = run(tmp_path / "default")
    assert "астма" not in default and "ВШУ" not in default
    assert "астма" in run(tmp_path / "sensitive", include_sensitive=True)
    anonymous = run(tmp_path / "anonymous", anonymize=True)
    assert "Иванова" not in anonymous and "И. М. С." in anonymous


# -- determinism and files -------------------------------------------------------------------------

def test_same_document_gives_the_same_report(doc):
    assert render_report(doc, "ru") == render_report(copy.deepcopy(doc), "ru")


def test_no_date_appears_unless_the_document_carries_one(doc):
    html = render_report(doc, "en")
    assert "Generated" not in visible_text(html)
    dated = copy.deepcopy(doc)
    dated["metadata"] = {"generated": "2026-09-15"}
    assert "2026-09-15" in visible_text(render_report(dated, "en"))


def test_write_report_writes_report_html(doc, tmp_path):
    path = write_report(doc, tmp_path / "out", lang="ru")
    assert path == tmp_path / "out" / "report.html"
    assert path.read_text(encoding="utf-8") == render_report(doc, "ru")


# -- large programmes: the first page in the HTML, every row in the page's data -----------------------

def generated_document(n_mentees: int = 60, seed: int = 3) -> dict:
    """A generated school, matched and explained, with hostile text in a pair past the first page."""
    from matcher.explain import add_explanations
    from matcher.sample import generate_school

    result = match(generate_school(n_mentees, seed=seed), load_config(), time_limit=10)
    doc = result_document(result, input_files=["mentors.csv", "mentees.csv"])
    add_explanations(doc, result)
    last = max(doc["pairs"], key=lambda p: (p["mentor_id"], p["mentee_id"]))
    last["mentee_name"] = HOSTILE_MENTEE
    return doc


@pytest.fixture(scope="module")
def big_doc() -> dict:
    return generated_document()


def page_data(html: str) -> dict:
    import json
    block = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S).group(1)
    return json.loads(block)


def data_text(data: dict, ref) -> str:
    """A string of the page's data, read as report.js reads it."""
    if isinstance(ref, int):
        return data["s"][ref]
    parts = data["s"][ref[0]].split("\0")
    return parts[0] + "".join(str(n) + part for n, part in zip(ref[1:], parts[1:]))


def data_pairs(data: dict) -> list[tuple[str, str, str]]:
    """(mentor id, mentee id, mentee name) of every row in the page's data."""
    return [(data_text(data, u[1]), data_text(data, r[2]), data_text(data, r[1])) for u in data["u"] for r in u[7]]


def test_a_large_programme_has_its_first_page_in_the_html_and_every_row_in_its_data(big_doc):
    html = render_report(big_doc, "en", inline_units=5, page_units=3)
    root = dom(html)
    units = root.find("table", id="plist").find_all("tr", cls="unit")
    assert len(units) == 3
    data = page_data(html)
    assert sorted(data_pairs(data)) == sorted((p["mentor_id"], p["mentee_id"], p["mentee_name"])
                                              for p in big_doc["pairs"])
    assert data["page"] == 3
    shown = len(root.find("table", id="plist").find_all("details", cls="pair"))
    assert f"the first {shown} of {len(big_doc['pairs'])} pairs" in root.find("p", id="rows-note").text()
    # the order's annex still lists every pair, for print and for readers without JavaScript
    listed = [m.name() for r in root.find("section", id="appendix").find_all("tr", cls="order-row")
              for m in r.find_all(cls="order-mentee")]
    assert sorted(listed) == sorted(f"{p['mentee_name']} ({p['mentee_id']})" for p in big_doc["pairs"])


def test_a_small_programme_has_every_row_in_the_html_and_no_data(doc):
    html = render_report(doc, "en")
    assert 'id="report-data"' not in html and 'id="rows-note"' not in html
    rows = dom(html).find("table", id="plist").find_all("details", cls="pair")
    assert len(rows) == len(doc["pairs"])


def test_the_page_data_cannot_close_its_element_and_runs_nothing(big_doc):
    tricky = copy.deepcopy(big_doc)
    tricky["pairs"][-1]["mentee_name"] = "</script><script>alert(4)</script><!-- & \u2028"
    html = render_report(tricky, "en", inline_units=5, page_units=3)
    block = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    assert "</script><script>alert(4)" not in html
    assert "</script><script>alert(4)</script><!-- & \u2028" in [name for _, _, name in data_pairs(page_data(html))]
    scripts = dom(html).find_all("script")
    assert [s.attrs.get("type") for s in scripts] == ["application/json", None]  # data, then the one program
    body = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    csp = dom(html).find("meta", http_equiv="Content-Security-Policy").attrs["content"]
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp


def test_a_pair_shows_its_first_three_alternatives_and_counts_the_rest(doc):
    d = copy.deepcopy(doc)
    pair = d["pairs"][0]
    alt = {"mentor_id": "M-X", "mentor_name": "Other Mentor", "form": pair["form"], "score": 0.5, "status": "taken",
           "load": 1, "capacity": 1, "forcing": {"checked": False, "reason": "budget"}}
    pair["explanation"] = {"score": pair["score"], "alternatives": [dict(alt, mentor_id=f"M-{k}") for k in range(5)]}
    row = [r for u in build_view(d, "en")["units"] for r in u["rows"] if r["mentee_id"] == pair["mentee_id"]][0]
    shown = [i["head"] for b in row["explanation"] if b["kind"] == "alternatives" for i in b["entries"]]
    assert shown == [f"Other Mentor (M-{k}), score 0.50" for k in range(3)]
    assert row["alternatives_more"] == "2 more possible mentors in result.json."
    html = render_report(d, "ru")
    assert "Ещё 2 возможных наставника — в result.json." in html


def test_numbers_in_the_page_data_come_back_exactly_as_worded(big_doc):
    d = copy.deepcopy(big_doc)
    for k, p in enumerate(d["pairs"]):
        p["mentee_id"] = f"S{k:04d}"  # leading zeros must survive
    html = render_report(d, "en", inline_units=5, page_units=3)
    data = page_data(html)
    assert any(isinstance(r[2], list) for u in data["u"] for r in u[7]), "ids like these are stored as numbers"
    assert sorted(m for _, m, _ in data_pairs(data)) == sorted(p["mentee_id"] for p in d["pairs"])
    view = build_view(d, "en")
    expected = sorted(b["text"] for u in view["units"] for r in u["rows"] for b in r["explanation"] if b["text"])
    shown = sorted(data_text(data, b[2]) for u in data["u"] for r in u[7] for b in r[12] if data_text(data, b[2]))
    assert shown == expected


def test_controls_that_need_javascript_ship_hidden_beside_a_note_that_says_so(doc):
    root = dom(render_report(doc, "en"))
    for element_id in ("search", "print-btn", "print-annex", "sort-hint"):
        control = root.find(id=element_id)
        assert "hidden" in control.attrs and "data-needs-js" in control.attrs
    controls = root.find("div", cls="controls")
    assert "hidden" in controls.attrs and "data-needs-js" in controls.attrs
    note = root.find(id="needs-js")
    assert "hidden" not in note.attrs and "JavaScript" in note.text()
    titles = root.find("table", id="plist").find("thead").find_all(cls="hlabel")
    assert [t.tag for t in titles] == ["span"] * 5  # plain column titles until the script makes them sort


def test_the_order_annex_signatures_are_its_tables_last_row(doc):
    table = dom(render_report(doc, "ru")).find("section", id="appendix").find("table", cls="order")
    rows = table.find_all("tr")
    assert "sign-tr" in rows[-1].classes and rows[-1].find(cls="signatures")
    assert len(table.find_all("tr", cls="order-row")) == len(rows) - 2  # the header, the pairs, the signatures


# --- the compiled template is kept beside the package's bytecode ----------------------------


def _compiled_with(cache_dir):
    from jinja2 import Environment, FileSystemLoader

    from matcher.report import TEMPLATE, TEMPLATE_DIR, _TemplateCache

    env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                      bytecode_cache=_TemplateCache(cache_dir))
    return env.get_template(TEMPLATE)


def test_the_kept_template_is_used_and_a_damaged_one_is_compiled_afresh(tmp_path, monkeypatch):
    monkeypatch.setattr("sys.dont_write_bytecode", False)
    cache = tmp_path / "__pycache__"
    fresh = _compiled_with(cache)
    kept = list(cache.iterdir())
    assert len(kept) == 1
    with monkeypatch.context() as m:  # the second process reads it: nothing is parsed again
        m.setattr("jinja2.Environment._parse", lambda *a: pytest.fail("the kept template was compiled again"))
        assert _compiled_with(cache).root_render_func.__code__.co_code == fresh.root_render_func.__code__.co_code
    kept[0].write_bytes(b"j2 damaged")
    assert _compiled_with(cache).root_render_func.__code__.co_code == fresh.root_render_func.__code__.co_code


def test_no_template_is_kept_where_python_keeps_no_bytecode_or_cannot_write(tmp_path, monkeypatch):
    monkeypatch.setattr("sys.dont_write_bytecode", True)
    _compiled_with(tmp_path / "__pycache__")
    assert not (tmp_path / "__pycache__").exists()
    monkeypatch.setattr("sys.dont_write_bytecode", False)
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    _compiled_with(blocker / "__pycache__")  # cannot be created: compiled, not an error


def test_a_share_that_is_neither_none_nor_all_never_reads_as_either():
    assert fmt_share(4, 24_600, "ru") == "<0,1\u00a0%" and fmt_share(24_599, 24_600, "en") == ">99.9%"
    assert fmt_share(0, 24_600, "ru") == "0\u00a0%" and fmt_share(24_600, 24_600, "ru") == "100\u00a0%"
    assert fmt_share(1, 3, "ru") == "33,3\u00a0%"
