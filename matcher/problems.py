"""Input problems as data: collected, never raised on the first bad cell.

A Problem carries where it is (file, row as a spreadsheet shows it, column header as
written) and what it is (code + parameters). One printer renders it in Russian or English.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .i18n import render

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    code: str
    severity: str = ERROR
    file: str | None = None
    row: int | None = None  # 1-based, header is row 1
    column: str | None = None  # header text as written in the file
    value: str | None = None
    params: dict = field(default_factory=dict, hash=False, compare=False)

    def location(self) -> str:
        parts = [self.file or "-"]
        if self.row is not None:
            parts.append(str(self.row))
        if self.column is not None:
            if self.row is None:
                parts.append("-")
            parts.append(self.column)
        return ":".join(parts)

    def message(self, lang: str = "en") -> str:
        params = dict(self.params)
        if self.value is not None:
            params.setdefault("value", self.value)
        if self.column is not None:
            params.setdefault("column", self.column)
        return render(self.code, params, lang)

    def render(self, lang: str = "en") -> str:
        severity = render("ui.error" if self.severity == ERROR else "ui.warning", None, lang)
        text = f"{self.location()}: {severity}: {self.message(lang)}"
        if self.value is not None and "{value}" not in _template(self.code, lang):
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            text += f" [{render('ui.value', None, lang)}: {shown!r}]"
        return text

    def to_dict(self, lang: str = "en") -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "params": self.params,
            "message": self.message(lang),
        }


def _template(code: str, lang: str) -> str:
    from .i18n import MESSAGES

    pair = MESSAGES.get(code, (code, code))
    return pair[0] if lang == "ru" else pair[1]


@dataclass
class ProblemReport:
    problems: list[Problem] = field(default_factory=list)

    def add(self, code: str, severity: str = ERROR, **kwargs) -> Problem:
        problem = Problem(code=code, severity=severity, **kwargs)
        self.problems.append(problem)
        return problem

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def sorted(self) -> list[Problem]:
        return sorted(
            self.problems,
            key=lambda p: (p.severity != ERROR, p.file or "", p.row or 0, p.column or "", p.code),
        )

    def render(self, lang: str = "en") -> list[str]:
        return [p.render(lang) for p in self.sorted()]


class InputRejected(Exception):
    """Raised at the library boundary when input has errors; carries the whole report."""

    def __init__(self, report: ProblemReport):
        super().__init__(f"{len(report.errors)} input error(s)")
        self.report = report
