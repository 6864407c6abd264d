"""What a re-matching starts from: the previous round and the changes since.

The previous round is a result folder (its manifest vouches for it; result.json gives the
pairs, who waited without a pair, the pairs never to propose again, the names of people who
may have left since) or a pairs table the consilium edited by hand (CSV, XLSX, XLS or ODS;
the columns of pairs.csv, English or Russian headers; only the pairs). The changes are a
small table (or CLI options): a mentee asked for another mentor (001 §2.2.4), a mentor
withdrew, a participant left, or came back (a departure holds in later rounds until then).

Problems are collected with file, row and column, never raised one by one; checks that need
the current questionnaires (unknown ids, capacity) are `plan.check_previous`'s.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import register, render
from ..io.idtable import id_text, read_id_table
from ..models import FORM_INDEX
from ..problems import ProblemReport
from ..text import norm

RESULT_FORMAT = "mentor-matcher/result"  # explain_text.RESULT_FORMAT (not imported: the engine's words with it)

register({
    "rematch.previous_missing": ("нет такого файла или папки: {path}", "no such file or folder: {path}"),
    "rematch.previous_folder": ("{error_ru}", "{error_en}"),
    "rematch.previous_folder_edited": ("если pairs.csv исправлен консилиумом вручную, укажите его самого: "
                                       "--previous {path}",
                                "if the consilium edited pairs.csv by hand, give that file itself: --previous {path}"),
    "rematch.empty_id": ("пустой идентификатор", "empty id"),
    "rematch.bad_change": ("неизвестное изменение «{value}»: ожидается «замена», «отказ», «выбыл» или «вернулся»",
                           "unknown change '{value}': expected 'replace', 'withdrew', 'left' or 'returned'"),
    "rematch.previous_rows": ("в файле прежних пар нет ни одной пары", "the previous pairs file holds no pair"),
})

# Headers of a pairs table: pairs.csv's own (English or Russian, --headers ru) and a few more.
PAIR_COLUMNS = {
    "mentor_id": ["mentor_id", "Код наставника", "id наставника", "mentor"],
    "mentee_id": ["mentee_id", "Код наставляемого", "id наставляемого", "mentee"],
    "form": ["form", "Форма", "форма наставничества"],
}
CHANGE_COLUMNS = {
    "id": ["id", "participant_id", "Код", "Код участника", "Идентификатор", "mentee_id", "Код наставляемого"],
    "change": ["change", "action", "Изменение", "Действие", "Что изменилось"],
    "mentor_id": ["mentor_id", "Код наставника"],
    "note": ["note", "comment", "Примечание", "Комментарий"],
}
# change -> accepted spellings
CHANGE_KINDS = {
    "replace": ["replace", "replacement", "replace mentor", "new mentor", "замена", "замена наставника",
                "заменить наставника", "просит замену", "просьба о замене"],
    "withdrew": ["withdrew", "withdraw", "mentor withdrew", "отказ", "отказ наставника", "наставник отказался",
                 "отказался", "отказалась", "вышел из наставничества"],
    "left": ["left", "leave", "left the programme", "left the program", "выбыл", "выбыла", "выбыл из программы",
             "ушёл", "ушла", "покинул программу", "покинула программу"],
    "returned": ["returned", "return", "back", "came back", "вернулся", "вернулась", "возвращение",
                 "вернулся в программу", "вернулась в программу"],
}
CHANGE_INDEX = {norm(s): kind for kind, spellings in CHANGE_KINDS.items() for s in [kind, *spellings]}


@dataclass
class PreviousPair:
    mentee_id: str
    mentor_id: str
    form: str | None  # a form id, or None when the table gives none
    file: str
    row: int | None  # the table's row; None for a result folder

    @property
    def source(self) -> str:
        return f"{self.file}:{self.row}" if self.row is not None else self.file


@dataclass
class Previous:
    """The previous round as re-matching reads it."""

    label: str  # as given
    kind: str  # "result" (a result folder) | "pairs" (a pairs table)
    pairs: list[PreviousPair]
    files: list[str]  # the files read: never replaced by the new output set
    headers: dict[str, str] = field(default_factory=dict)  # a pairs table's field -> header as written
    round: int = 1  # the previous round's number (`matcher match` is round 1)
    waiting: dict[str, int] = field(default_factory=dict)  # mentee id -> rounds waited without a pair
    never_again: list[tuple[str, str]] = field(default_factory=list)  # (mentee id, mentor id)
    names: dict[str, str] = field(default_factory=dict)  # id -> name, for people since gone
    genders: dict[str, str] = field(default_factory=dict)  # id -> f | m, for people since gone
    # People who left (or mentors who withdrew) in earlier rounds: they stay out until they return.
    gone: dict[str, str] = field(default_factory=dict)  # id -> left | withdrew
    form_titles: dict[str, str] = field(default_factory=dict)  # norm(title) -> form id


@dataclass
class ChangeRequest:
    kind: str  # replace | withdrew | left | returned
    id: str  # the mentee (replace), mentor (withdrew) or participant (left)
    mentor_id: str | None = None  # replace: the mentor to exclude (default: the mentee's previous one)
    file: str | None = None  # None for a CLI option
    row: int | None = None
    column: str | None = None

    @property
    def source(self) -> str:
        if self.file is None:
            return f"--{self.kind}"
        return f"{self.file}:{self.row}"


def load_previous(path, report: ProblemReport) -> Previous | None:
    """The previous round from a result folder or a pairs table; None (problems in `report`)
    when it cannot be read."""
    p = Path(path)
    if p.is_dir():
        return _from_result(p, str(path), report)
    if not p.exists():
        report.add("rematch.previous_missing", file=str(path), params={"path": str(path)})
        return None
    return _from_table(str(path), report)


def _from_result(folder: Path, label: str, report: ProblemReport) -> Previous | None:
    from ..explain_text import ExplainError, load_result
    from ..io.outputset import OutputError, verify_output_set

    try:
        doc = _lean_document(folder) or load_result(folder)
        verify_output_set(folder)
    except ExplainError as exc:
        report.add("rematch.previous_folder", file=label,
                   params={"error_ru": render(exc.code, exc.params, "ru"), "error_en": render(exc.code, exc.params)})
        return None
    except OutputError as exc:
        report.add("rematch.previous_folder", file=label,
                   params={"error_ru": exc.message("ru"), "error_en": exc.message("en")})
        if ("outputs.file_changed", "pairs.csv") in (exc.params.get("files") or []):
            report.add("rematch.previous_folder_edited", file=label, params={"path": str(folder / "pairs.csv")})
        return None
    files = [str(folder / name) for name in sorted(("result.json", "pairs.csv", "manifest.json"))]
    return previous_from_document(doc, label, files)


# What a round takes from the previous result.json (previous_from_document): a pair's record
# up to its score components, without them or its explanation (nine tenths of the file).
LEAN_KEYS = frozenset({"format", "program", "pairs", "unmatched", "mentors", "forbids", "rematch", "history"})
PAIR_TAIL = ', "components": '


def _lean_document(folder: Path) -> dict | None:
    """The parts of result.json a round reads, from the layout `matcher` writes for a school
    (jsonutil.dumps_readable: a top-level key a line, an element of a list or dict a line);
    None for a file that is missing, unreadable or of another layout (a district's compact
    file), which load_result then reads whole or reports."""
    import json

    try:
        lines = (folder / "result.json").read_bytes().decode("utf-8-sig").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    if len(lines) < 3 or lines[0] != "{":
        return None
    doc, i, n = {}, 1, len(lines)
    try:
        while i < n and lines[i] != "}":
            line = lines[i].removesuffix(",")
            key_end = line.index('": ')
            key, rest = json.loads(line[1:key_end + 1]), line[key_end + 3:]
            if rest in ("[", "{"):  # a line per element, up to the line that closes it
                close = " ]" if rest == "[" else " }"
                j = i + 1
                while j < n and lines[j].removesuffix(",") != close:
                    j += 1
                if key in LEAN_KEYS:
                    body = lines[i + 1:j]
                    if key == "pairs":
                        body = [_pair_head(b) for b in body]
                    doc[key] = json.loads(rest + "\n".join(body) + close)
                i = j + 1
            else:
                if key in LEAN_KEYS:
                    doc[key] = json.loads(rest)
                i += 1
    except ValueError:
        return None
    if doc.get("format") != RESULT_FORMAT or not isinstance(doc.get("pairs"), list):
        return None
    return doc


def _pair_head(line: str) -> str:
    """A pair's line without its components and explanation (the last keys of its record); the
    comma that joins it to the next line kept."""
    cut = line.find(PAIR_TAIL)
    if cut < 0:
        return line
    return line[:cut] + ("}," if line.endswith(",") else "}")


def previous_from_document(doc: dict, label: str, files: list[str] = ()) -> Previous:
    """The previous round from a result document (result.json's content): its pairs, who it
    left waiting, the pairs never to propose again, the names of everyone in it."""
    result_json = next((f for f in files if f.endswith("result.json")), label)
    pairs = [PreviousPair(p["mentee_id"], p["mentor_id"], p.get("form"), result_json, None) for p in doc["pairs"]]
    previous_round = doc.get("rematch") or {}
    waiting = previous_round.get("waiting")
    if waiting is None:  # a `matcher match` result: everyone it left without a pair waited one round
        waiting = {u["mentee_id"]: 1 for u in doc.get("unmatched") or []}
    never = [(f["mentee_id"], f["mentor_id"]) for f in doc.get("forbids") or []]
    never += [(f["mentee_id"], f["mentor_id"]) for f in previous_round.get("never_again") or []]
    # the pairs the programme's history kept out of a `match --history` (matcher.history.carry)
    never += [(f["mentee_id"], f["mentor_id"]) for f in (doc.get("history") or {}).get("excluded") or []]
    names = {}
    for p in doc["pairs"]:
        names.setdefault(p["mentor_id"], p.get("mentor_name") or "")
        names.setdefault(p["mentee_id"], p.get("mentee_name") or "")
    for u in doc.get("unmatched") or []:
        names.setdefault(u["mentee_id"], u.get("mentee_name") or "")
    for m in doc.get("mentors") or []:
        names.setdefault(m["mentor_id"], m.get("mentor_name") or "")
    for pid, name in (previous_round.get("names") or {}).items():
        names.setdefault(pid, name)
    genders = {p["mentee_id"]: p["mentee_gender"] for p in doc["pairs"] if p.get("mentee_gender")}
    genders.update({u["mentee_id"]: u["mentee_gender"] for u in doc.get("unmatched") or [] if u.get("mentee_gender")})
    genders.update(previous_round.get("genders") or {})
    return Previous(label, "result", pairs, list(files), round=int(previous_round.get("round") or 1),
                    waiting={str(k): int(v) for k, v in waiting.items()}, never_again=sorted(set(never)),
                    names=names, genders=genders, form_titles=_titles(doc), gone=dict(previous_round.get("gone") or {}))


def _titles(doc: dict) -> dict[str, str]:
    out = {}
    for form, titles in ((doc.get("program") or {}).get("forms") or {}).items():
        for title in (titles or {}).values():
            out[norm(title)] = form
    return out


def _from_table(label: str, report: ProblemReport) -> Previous | None:
    table = read_id_table(label, PAIR_COLUMNS, ("mentor_id", "mentee_id"), report)
    if table is None:
        return None
    pairs = []
    for row, cells in table.rows:
        mentor, mentee = id_text(cells["mentor_id"]), id_text(cells["mentee_id"])
        bad = False
        for name, value in (("mentor_id", mentor), ("mentee_id", mentee)):
            if not value:
                report.add("rematch.empty_id", file=table.label, row=row, column=table.headers[name])
                bad = True
        if not bad:
            pairs.append(PreviousPair(mentee, mentor, cells.get("form") or None, table.label, row))
    if not pairs and not report.errors:
        report.add("rematch.previous_rows", file=table.label)
    return Previous(label, "pairs", pairs, [label], headers=table.headers)


def form_lookup(config, previous: Previous) -> dict[str, str]:
    """Every way a previous pairs table may write a form -> the form's id: its id, a spelling
    models.FORM_INDEX knows, its title in the configuration or in the previous result."""
    out = {norm(k): v for k, v in FORM_INDEX.items() if v in config.forms}
    out.update({k: v for k, v in previous.form_titles.items() if v in config.forms})
    for f in config.form_ids:
        for lang in ("ru", "en"):
            out[norm(config.form_title(f, lang))] = f
        out[norm(f)] = f
    return out


def form_id(text: str | None, forms: dict[str, str]) -> str | None:
    """A form as a previous pairs table writes it (form_lookup's keys), or None when unknown."""
    if not text:
        return None
    key = norm(text)
    for candidate in (key, key.replace(" ", "_").replace("-", "_"), key.strip("«»\"'")):
        if candidate in forms:
            return forms[candidate]
    return None


def load_changes(path, report: ProblemReport) -> list[ChangeRequest]:
    """The changes table: columns id, change (replace | withdrew | left, or Russian), optional
    mentor_id (for a replacement: the mentor to exclude) and note."""
    table = read_id_table(path, CHANGE_COLUMNS, ("id", "change"), report)
    if table is None:
        return []
    out = []
    for row, cells in table.rows:
        pid = id_text(cells["id"])
        if not pid:
            report.add("rematch.empty_id", file=table.label, row=row, column=table.headers["id"])
            continue
        kind = CHANGE_INDEX.get(norm(cells["change"]))
        if kind is None:
            report.add("rematch.bad_change", file=table.label, row=row, column=table.headers["change"],
                       value=cells["change"])
            continue
        mentor = id_text(cells.get("mentor_id", "")) or None
        out.append(ChangeRequest(kind, pid, mentor, table.label, row, table.headers["id"]))
    return out


def option_changes(replace=(), withdrew=(), left=(), returned=()) -> list[ChangeRequest]:
    """Changes given as CLI options (--replace MENTEE, --withdrew MENTOR, --left ID, --returned ID)."""
    given = (("replace", replace), ("withdrew", withdrew), ("left", left), ("returned", returned))
    return [ChangeRequest(kind, id_text(x)) for kind, ids in given for x in ids]
