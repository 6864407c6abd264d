"""Which programmes a batch holds, and where each one's questionnaires are.

INPUT is one of:

1. a folder with a sub-folder per programme: `school12/mentors.csv` and `school12/mentees.csv`
   (or one participants file with a role column, or one workbook with a mentors sheet and a
   mentees sheet), with an optional `config.toml` (the programme's own configuration),
   `mapping.toml` and `decisions.csv` (the consilium's locks and forbids);
2. a folder of files named by programme: `school12_mentors.csv`, `school12_mentees.csv`,
   `school12_config.toml`, ... (`_`, `-`, `.` or a space before the role word; a table with
   no role word, `school12.xlsx`, is that programme's participants file);
3. one questionnaire file (or workbook) with a `program` column (ru «Программа», «Школа», or
   whatever header the mapping file gives the field): its rows are split by that column, and
   each row keeps its file:row.

The kinds of 1 and 2 may share a folder. `config.toml` and `mapping.toml` at the top of the
folder serve every programme that has none of its own (`--config` and `--mapping` win over them).
Nothing here reads a questionnaire's meaning: the worker does (matcher/batch/worker.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import register
from ..io.coerce import cell_text, unneutralise
from ..io.mapping import MAPPED, Mapping, load_mapping, match_headers
from ..io.readers import Table, read_tables
from ..problems import Problem, ProblemReport
from ..text import norm

register({
    "batch.two_files": ("в программе «{programme}» второй файл той же роли: {other}; оставьте один",
                        "programme '{programme}' has a second file for the same role: {other}; keep one"),
    "batch.which_table": ("в программе «{programme}» несколько таблиц без роли в имени ({files}): назовите их "
                          "mentors и mentees (наставники и наставляемые) или оставьте одну",
                          "programme '{programme}' has several tables with no role in their names ({files}): "
                          "name them mentors and mentees or keep one"),
    "batch.no_mentees": ("в программе «{programme}» есть анкеты наставников, но нет файла наставляемых "
                         "(mentees.csv или наставляемые.csv)",
                         "programme '{programme}' has the mentors' questionnaires but no mentees' file "
                         "(mentees.csv)"),
    "batch.no_mentors": ("в программе «{programme}» есть анкеты наставляемых, но нет файла наставников "
                         "(mentors.csv или наставники.csv)",
                         "programme '{programme}' has the mentees' questionnaires but no mentors' file "
                         "(mentors.csv)"),
    "batch.folder_and_files": ("программа «{programme}» задана и папкой, и файлами с её именем; оставьте что-то одно",
                               "programme '{programme}' is given both as a folder and as files named after it; "
                               "keep one"),
    "batch.no_program_column": ("нет столбца программы (ожидается одно из: {aliases}), поэтому строки нельзя "
                                "разделить по программам",
                                "no programme column (expected one of: {aliases}), so the rows cannot be split "
                                "into programmes"),
    "batch.no_program": ("в строке не указана программа: строка пропущена",
                         "the row names no programme: it is left out"),
    "batch.no_programmes": ("в {path} не найдено ни одной программы: ожидаются папки программ с анкетами, файлы "
                            "вида school12_mentors.csv или один файл со столбцом программы",
                            "no programme found in {path}: expected a folder per programme with its "
                            "questionnaires, files named like school12_mentors.csv, or one file with a "
                            "programme column"),
})

TABLE_SUFFIXES = frozenset({".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods"})
# Role words a file name ends with (compared after text.norm); settings files are TOML.
TABLE_ROLES = {
    "mentors": ("mentors", "наставники"),
    "mentees": ("mentees", "наставляемые"),
    "participants": ("participants", "участники"),
    "locks": ("decisions", "locks", "решения"),
}
TOML_ROLES = {"config": ("config", "настройки"), "mapping": ("mapping", "соответствие")}
_SEPARATOR = r"[ _.\-]+"
# Files the batch writes under --out: no programme's folder may take these names.
RESERVED = frozenset({"summary.csv", "summary.html", "batch.json"})


@dataclass
class Programme:
    """One programme of the batch: its name, the folder its outputs go to, what to read."""

    name: str  # as the input names it: the folder, the file names' prefix or the programme cell
    folder: str = ""  # its output folder under --out: a safe name, unique in the batch
    mentors: str | None = None
    mentees: str | None = None
    participants: str | None = None
    config: str | None = None  # its own configuration, else the batch's
    mapping: str | None = None
    locks: str | None = None
    # A district file split by its programme column: this programme's rows of it (each with its
    # original row number), read once by the batch and validated by the worker.
    tables: list[Table] | None = None
    problems: list[Problem] = field(default_factory=list)  # found before reading: the programme is rejected

    def inputs(self) -> list[str]:
        """The files this programme reads (questionnaires and settings), as named."""
        return [p for p in (self.mentors, self.mentees, self.participants, self.config, self.mapping, self.locks)
                if p]


@dataclass
class Found:
    programmes: list[Programme]
    problems: ProblemReport  # the batch's own: unreadable district file, rows without a programme
    config: str | None = None  # the batch's configuration (from --config, or INPUT/config.toml)
    mapping: str | None = None


def find_programmes(input_path: str | Path, *, config: str | None = None, mapping: str | None = None) -> Found:
    """The programmes under INPUT (see the module docstring), sorted by name, each with a
    unique output folder; `config` and `mapping` are the batch's own (--config, --mapping)."""
    path = Path(input_path)
    if path.is_dir():
        found = _from_folder(path, config, mapping)
    else:
        found = _from_district_file(str(input_path), config, mapping)
    found.programmes.sort(key=lambda p: (norm(p.name), p.name))
    _assign_folders(found.programmes)
    if not found.programmes and not found.problems.errors:
        found.problems.add("batch.no_programmes", params={"path": str(input_path)})
    return found


def _role_of(file: Path) -> tuple[str | None, str]:
    """(role, prefix): the role word a file name ends with, and the name before it ('' when
    the name is the role word alone); (None, stem) for a table named otherwise."""
    suffix = file.suffix.lower()
    roles = TOML_ROLES if suffix == ".toml" else TABLE_ROLES if suffix in TABLE_SUFFIXES else {}
    stem = file.stem
    for role, words in roles.items():
        for word in words:
            if norm(stem) == word:
                return role, ""
            m = re.fullmatch(rf"(.+?){_SEPARATOR}{re.escape(word)}", stem, re.IGNORECASE)
            if m and norm(stem).endswith(word):
                return role, m.group(1)
    return None, stem


def _visible_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(("."))
                  and not p.name.startswith("~$"))  # ~$name: Excel's lock file of an open workbook


def _from_folder(root: Path, config: str | None, mapping: str | None) -> Found:
    by_prefix: dict[str, dict[str, list[str]]] = {}
    top: dict[str, list[str]] = {}
    for file in _visible_files(root):
        role, prefix = _role_of(file)
        if role is not None or file.suffix.lower() in TABLE_SUFFIXES:
            (by_prefix.setdefault(prefix, {}) if prefix else top).setdefault(role or "", []).append(str(file))
    programmes: dict[str, Programme] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        claimed: dict[str, list[str]] = {}
        for file in _visible_files(folder):
            role, _ = _role_of(file)
            if role is not None or file.suffix.lower() in TABLE_SUFFIXES:
                claimed.setdefault(role or "", []).append(str(file))
        programme = _programme(folder.name, claimed)
        if programme is not None:
            programmes[folder.name] = programme
    for name, claimed in by_prefix.items():
        programme = _programme(name, claimed)
        if programme is None:
            continue
        if name in programmes:
            programmes[name].problems.append(Problem("batch.folder_and_files", file=str(root / name),
                                                     params={"programme": name}))
        else:
            programmes[name] = programme
    # INPUT/config.toml and INPUT/mapping.toml: the batch's own, unless --config / --mapping say otherwise
    config = config or (top.get("config") or [None])[0]
    mapping = mapping or (top.get("mapping") or [None])[0]
    for programme in programmes.values():
        programme.config = programme.config or config
        programme.mapping = programme.mapping or mapping
    return Found(list(programmes.values()), ProblemReport(), config, mapping)


def _programme(name: str, claimed: dict[str, list[str]]) -> Programme | None:
    """A programme from its files by role ("" = a table with no role word in its name); None
    when it has no questionnaire at all (a folder of something else)."""
    programme = Programme(name)
    for role in ("mentors", "mentees", "participants", "config", "mapping", "locks"):
        files = claimed.get(role, [])
        if files:
            setattr(programme, role, files[0])
        for other in files[1:]:
            programme.problems.append(Problem("batch.two_files", file=files[0],
                                              params={"other": other, "programme": name}))
    untyped = claimed.get("", [])
    if len(untyped) == 1 and not programme.participants:
        programme.participants = untyped[0]
    elif untyped:
        programme.problems.append(Problem("batch.which_table", file=untyped[0], params={
            "programme": name, "files": ", ".join(Path(f).name for f in untyped)}))
    if not (programme.mentors or programme.mentees or programme.participants or untyped):
        return None
    if programme.participants is None and bool(programme.mentors) != bool(programme.mentees):
        code = "batch.no_mentees" if programme.mentors else "batch.no_mentors"
        programme.problems.append(Problem(code, file=programme.mentors or programme.mentees,
                                          params={"programme": name}))
    return programme


# --- one district file split by its programme column ------------------------------------------

def _from_district_file(path: str, config: str | None, mapping_path: str | None) -> Found:
    report = ProblemReport()
    the_mapping = load_mapping(mapping_path, report)
    found = Found([], report, config, mapping_path)
    if report.errors:
        return found
    groups: dict[str, Programme] = {}
    for table in read_tables(path, None, report):
        _split_table(table, the_mapping, groups, report)
    for programme in groups.values():
        programme.participants = path
        programme.config = config
        programme.mapping = mapping_path
    found.programmes = list(groups.values())
    return found


def _split_table(table: Table, mapping: Mapping, groups: dict[str, Programme], report: ProblemReport) -> None:
    """Deal one table's rows out to their programmes (`groups`, by folded name), row numbers kept."""
    column = next((m for m in match_headers(table.headers, mapping) if m.field == "program" and m.status == MAPPED),
                  None)
    if column is None:
        from ..io.aliases import FIELD_ALIASES

        aliases = mapping.written.get("program") or FIELD_ALIASES["program"]
        report.add("batch.no_program_column", file=table.label, row=table.header_row,
                   params={"aliases": ", ".join(aliases)})
        return
    rows: dict[str, list] = {}
    for rownum, cells in table.rows:
        raw = cells[column.index] if column.index < len(cells) else None
        name = " ".join(unneutralise(cell_text(raw)).split()) if raw is not None else ""
        if not name:
            report.add("batch.no_program", file=table.label, row=rownum, column=column.header)
            continue
        key = norm(name)
        if key not in groups:
            groups[key] = Programme(name)
        rows.setdefault(key, []).append((rownum, list(cells)))
    for key, own in rows.items():
        numbers = {n for n, _ in own}
        formulas = [f for f in table.uncached_formulas if f[0] in numbers or f[0] <= table.header_row]
        groups[key].tables = (groups[key].tables or []) + [Table(
            table.label, table.path, table.sheet, table.role, table.headers, table.header_row, own, table.kind,
            formulas)]


# --- output folders ---------------------------------------------------------------------------

def safe_folder_name(name: str) -> str:
    """A programme's name as one folder name: letters, digits, `-`, `_` and `.` kept (any
    script), anything else `_`, no leading dot, at most 80 characters."""
    text = re.sub(r"[^\w.\-]+", "_", name, flags=re.UNICODE).strip("._ ")
    return text[:80].rstrip("._") or "programme"


def _assign_folders(programmes: list[Programme]) -> None:
    """Unique folder names, also where the file system folds case: later ones get -2, -3, ..."""
    taken = {norm(r) for r in RESERVED}
    for programme in programmes:
        base = safe_folder_name(programme.name)
        name, k = base, 1
        while norm(name) in taken:
            k += 1
            name = f"{base}-{k}"
        taken.add(norm(name))
        programme.folder = name
