"""Reading a TOML file the user gave (configuration, mapping) into a dict, problems collected."""
from __future__ import annotations

import tomllib
from pathlib import Path

from .i18n import register
from .problems import ProblemReport

register({
    "toml.file_not_found": ("файл не найден", "file not found"),
})


def read_toml(path, report: ProblemReport, unreadable_code: str, bad_toml_code: str) -> dict | None:
    """The file's tables, or None with a problem (not found, unreadable, not TOML) in `report`."""
    fname = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        report.add("toml.file_not_found", file=fname)
        return None
    except (OSError, UnicodeDecodeError) as exc:
        report.add(unreadable_code, file=fname, params={"error": str(exc)})
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        report.add(bad_toml_code, file=fname, params={"error": str(exc)})
        return None
