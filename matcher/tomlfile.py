"""Reading a TOML file the user gave (configuration, mapping) into a dict, problems collected;
writing a configuration back as TOML (`dumps`: the weights `matcher config --suggest-from` suggests)."""
from __future__ import annotations

import json
import re
import textwrap
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


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_INLINE_WIDTH = 100  # a table of scalars this short is written inline, e.g. a scale's titles


def dumps(data: dict, comments: dict[str, str] | None = None, header: list[str] = ()) -> str:
    """TOML text for a configuration-like dict (tables of strings, numbers, booleans, lists and
    tables; None is left out, as TOML has no empty value). `comments`: dotted key path -> a
    comment at the end of that key's line; `header`: comment lines on top. What `tomllib`
    reads back is `data` without its None values."""
    comments = comments or {}
    lines = [f"# {part}".rstrip() for line in header for part in textwrap.wrap(line, 96) or [""]]
    _table(data, [], lines, comments)
    return "\n".join(lines).strip("\n") + "\n"


def _table(data: dict, path: list[str], lines: list[str], comments: dict[str, str]) -> None:
    # top-level dicts are always [tables], as a configuration's sections are
    tables = [(k, v) for k, v in data.items() if isinstance(v, dict) and (not path or _is_table(v))]
    table_keys = {k for k, _ in tables}
    scalars = [(k, v) for k, v in data.items() if v is not None and k not in table_keys]
    if path and (scalars or not tables):
        lines += ["", f"[{'.'.join(_key(p) for p in path)}]"]
    for key, value in scalars:
        note = comments.get(".".join([*path, key]))
        lines.append(f"{_key(key)} = {_value(value)}" + (f"  # {note}" if note else ""))
    for key, value in tables:
        _table(value, [*path, key], lines, comments)


def _is_table(value) -> bool:
    """A dict written as a [table] rather than inline."""
    return isinstance(value, dict) and (
        any(isinstance(v, dict) for v in value.values()) or len(_value(value)) > _INLINE_WIDTH or not value)


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        # JSON's escapes are TOML's: a basic string reads back as the same text.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")  # DEL: escaped in TOML
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value if v is not None) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items() if v is not None) + " }"
    return _value(str(value))
