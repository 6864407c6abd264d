"""Text normalisation shared by header matching and value coercion."""
from __future__ import annotations

import re
import unicodedata

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")
_SPACES = re.compile(r"\s+")
_SPACED_DASH = re.compile(r"\s*-\s*")


def norm(text: object) -> str:
    """Fold a header or answer for exact comparison: trim, casefold, unify dashes,
    ё -> е, collapse whitespace, drop spaces around dashes. Never a substring test."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFC", str(text)).translate(_DASHES)
    s = s.replace("\u00a0", " ").casefold().replace("ё", "е")
    s = _SPACES.sub(" ", s).strip()
    s = _SPACED_DASH.sub("-", s)
    return s


def norm_token(text: object) -> str:
    """A normalised value token: norm() with spaces and dashes as underscores for ids."""
    return norm(text).replace("-", "_").replace(" ", "_")


def clean_id(text: object) -> str:
    """An id as it can be typed back: format characters dropped (zero-width space and joiner,
    word joiner, BOM, soft hyphen, direction marks — Unicode Cf, invisible in a spreadsheet),
    any space (NBSP included) a plain space, trimmed. '' when nothing visible is left."""
    s = "" if text is None else str(text)
    if s.isascii():
        return s.strip()
    s = unicodedata.normalize("NFC", s)
    return "".join(" " if unicodedata.category(ch) == "Zs" else ch for ch in s
                   if unicodedata.category(ch) != "Cf").strip()


MULTI_SEPARATORS = re.compile(r"[;,\n\r]+")


def split_multi(text: object) -> list[str]:
    """Split a multi-select answer (Google/Yandex Forms join with ', ' or ';', Excel with newlines)."""
    if text is None:
        return []
    out = []
    seen = set()
    for part in MULTI_SEPARATORS.split(str(text)):
        part = part.strip()
        key = norm(part)
        if part and key not in seen:
            seen.add(key)
            out.append(part)
    return out


def closest(value: str, choices: list[str]) -> str | None:
    """The closest known spelling, for 'did you mean' hints."""
    import difflib

    matches = difflib.get_close_matches(norm(value), [norm(c) for c in choices], n=1, cutoff=0.6)
    if not matches:
        return None
    for c in choices:
        if norm(c) == matches[0]:
            return c
    return None
