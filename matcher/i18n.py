"""Message catalogue: reason and problem codes -> Russian and English text.

Everything a curator reads is rendered here, at the edge. The solver, the rules and
the explainer deal in codes and parameters only (STYLE.md, "reasons are data").
"""
from __future__ import annotations

import locale
import os
from string import Formatter

LANGS = ("ru", "en")

# code -> (russian, english); parameters in {braces}.
MESSAGES: dict[str, tuple[str, str]] = {}


def register(messages: dict[str, tuple[str, str]]) -> None:
    """Add codes to the catalogue; a module that owns codes registers them at import."""
    for code, pair in messages.items():
        if code in MESSAGES and MESSAGES[code] != pair:
            raise ValueError(f"message code {code!r} registered twice with different text")
        MESSAGES[code] = pair


def default_lang() -> str:
    """The user's language from the environment: Russian locales give 'ru', others 'en'."""
    for var in ("MATCHER_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value:
            return "ru" if value.lower().startswith("ru") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "ru" if loc.lower().startswith("ru") else "en"


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(code: str, params: dict | None = None, lang: str = "en") -> str:
    """The message for a code in a language; unknown codes fall back to the code itself."""
    pair = MESSAGES.get(code)
    if pair is None:
        text = code
    else:
        text = pair[0] if lang == "ru" else pair[1]
    if params and "{" in text:
        shown = _SafeDict({k: _show(v, lang) for k, v in params.items()})
        try:
            text = text.format_map(shown)
        except (ValueError, IndexError, KeyError):
            text = Formatter().vformat(text, (), shown)
    return text


def _show(value, lang: str):
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        if lang == "ru":
            return "да" if value else "нет"
        return "yes" if value else "no"
    return value


def plural(n: int, lang: str) -> str:
    """The plural category of a count, the suffix of catalogue codes that vary with it:
    Russian "one" (1, 21, 101), "few" (2-4, 22-24), "many" (5-20, 25-30, 0); English "one"
    or "many". Register code.one, code.few and code.many; English texts repeat few = many."""
    n = abs(int(n))
    if lang != "ru":
        return "one" if n == 1 else "many"
    if n % 10 == 1 and n % 100 != 11:
        return "one"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "few"
    return "many"


def t(code: str, lang: str, **params) -> str:
    return render(code, params, lang)


register({
    # generic UI words
    "ui.error": ("ошибка", "error"),
    "ui.warning": ("предупреждение", "warning"),
    "ui.row": ("строка", "row"),
    "ui.column": ("столбец", "column"),
    "ui.value": ("значение", "value"),
})
