"""Message catalogue: reason and problem codes -> Russian and English text.

Everything a curator reads is rendered here, at the edge. The solver, the rules and
the explainer deal in codes and parameters only (docs/architecture.md, "Plug-in contracts").
"""
from __future__ import annotations

import locale
import os
import re
from numbers import Integral, Real
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
        if lang == "ru" and "аставляем" in text:
            text = _agree_roles(text, params)
        shown = _SafeDict({k: _show(v, lang) for k, v in params.items()})
        try:
            text = text.format_map(shown)
        except (ValueError, IndexError, KeyError, TypeError):
            text = _Formatter(lang).vformat(text, (), shown)
    if lang == "ru" and "«" in text and ("„" in text or text.count("«") > 1):
        text = nest_quotes(text)
    return text


_GENDERLESS = frozenset((str, int, float, bool, type(None)))  # parameters that carry no person's gender


class Texts:
    """`render` in one language that words each distinct message once: a district's report
    says "no free place: 2 of 2 taken" or names the same person thousands of times. A text is
    remembered by its code and parameters, each with its type and, for a person, their gender
    (the words that agree with it); a call with an unhashable parameter (a list) is rendered
    afresh."""

    def __init__(self, lang: str):
        self.lang = lang
        self._texts: dict = {}

    def __call__(self, code: str, params: dict | None = None) -> str:
        if not params:
            key = code
        else:
            values = params.values()
            key = (code, *params.items(), *map(type, values),
                   *[None if type(v) in _GENDERLESS else getattr(v, "gender", None) for v in values])
        try:
            text = self._texts.get(key)
        except TypeError:
            return render(code, params, self.lang)
        if text is None:
            text = self._texts[key] = render(code, params, self.lang)
        return text


# «наставляемый» is a participle: before a woman's name it is «наставляемая» (and so on, case by
# case); «наставник» is said of women and men alike.
_FEMININE_ROLE = {"ый": "ая", "ого": "ой", "ому": "ой", "ым": "ой", "ом": "ой"}
_ROLE = re.compile(r"\b([Нн]аставляем)(ый|ого|ому|ым|ом) \{(\w+)(?=[}:])")


def _agree_roles(text: str, params: dict) -> str:
    """«наставляемый {id}» agreeing with the gender of the person the parameter names (a
    Gendered value): feminine for a woman, as written otherwise."""
    def agree(m: re.Match) -> str:
        if getattr(params.get(m.group(3)), "gender", None) != "f":
            return m.group(0)
        return f"{m.group(1)}{_FEMININE_ROLE[m.group(2)]} {{{m.group(3)}"

    return _ROLE.sub(agree, text)


THIN_SPACE = "\u202f"  # a narrow no-break space between thousands: «5\u202f000»


def number(value, lang: str, digits: int | None = None) -> str:
    """A number as the reader writes it, the one format of every presenter: thousands apart
    («5 000» in Russian, "5,000" in English) and a decimal comma in Russian. `digits` fixes
    the decimals; None shows an integer as such and a fraction with as few as it needs (up to 3)."""
    if isinstance(value, int) and not digits:
        if -1000 < value < 1000:  # the common case, and the hot one: no thousands to part
            return str(value)
        text = f"{value:,}"
        return text.replace(",", THIN_SPACE) if lang == "ru" else text
    if digits is None:
        if float(value).is_integer():
            digits = 0
            value = int(value)
        else:
            digits = next((d for d in (1, 2, 3) if round(value, d) == round(value, 3)), 3)
    text = f"{value:,.{digits}f}"
    return text.replace(",", THIN_SPACE).replace(".", ",") if lang == "ru" else text


def nest_quotes(text: str) -> str:
    """Quotes within quotes as Russian writes them: «…„…“…» — «» outside, „“ one level in
    (and «» again two levels in); unbalanced closing quotes are left as they are."""
    out, depth = [], 0
    for ch in text:
        if ch in "«„":
            depth += 1
            out.append("«" if depth % 2 else "„")
        elif ch in "»“" and depth:
            out.append("»" if depth % 2 else "“")
            depth -= 1
        else:
            out.append(ch)
    return "".join(out)


class Gendered(str):
    """A person's words (a name, a code) that carry the person's gender, f, m or None: in a
    message, `{mentor:gender:его|её|этого наставника}` gives the form for a man, a woman,
    and one that needs no gender when it is not known (the first form if only two are given)."""

    gender: str | None = None

    def __new__(cls, text: str, gender: str | None = None):
        obj = super().__new__(cls, text)
        obj.gender = gender
        return obj

    def __format__(self, spec: str) -> str:
        if spec.startswith("gender:"):
            return gendered(self.gender, spec[len("gender:"):])
        return str.__format__(str(self), spec)


def gendered(gender: str | None, forms) -> str:
    """The form for a gender: `forms` is (masculine, feminine[, unknown]) or a string split on '|'."""
    if isinstance(forms, str):
        forms = forms.split("|")
    if gender == "f" and len(forms) > 1:
        return forms[1]
    if gender == "m" or len(forms) < 3:
        return forms[0]
    return forms[2]


def plural(n: int, forms, lang: str) -> str:
    """The noun form that agrees with the number n: Russian forms are (one, few, many) —
    "1 наставник", "2 наставника", "5 наставников" — English ones (one, other); `forms` is a
    sequence or a string split on '|'."""
    if isinstance(forms, str):
        forms = forms.split("|")
    category = plural_category(n, lang)
    if lang == "ru" and len(forms) >= 3:
        return forms[("one", "few", "many").index(category)]
    return forms[0] if category == "one" else forms[-1]


class _Formatter(Formatter):
    """Formats what str.format_map refuses: a plural spec on a value that is not an int
    (a number given as text agrees by its value; anything else takes the last form)."""

    def __init__(self, lang: str):
        self.lang = lang

    def format_field(self, value, format_spec: str):
        if format_spec.startswith("plural:"):
            forms = format_spec[len("plural:"):]
            try:
                digits = "".join(ch for ch in str(value) if ch not in "\u00a0\u202f ,")
                return plural(int(digits), forms, self.lang)
            except ValueError:
                return forms.split("|")[-1]
        if format_spec.startswith("gender:"):
            return gendered(getattr(value, "gender", None), format_spec[len("gender:"):])
        try:
            return format(value, format_spec)
        except (ValueError, TypeError):
            return str(value)


class _Count(int):
    """An integer parameter: in a message, `{count:plural:one|few|many}` gives the noun form
    that agrees with it (see `plural`); `{count}` is the number in the reader's format
    (`number`); any other format spec is an int's."""

    lang = "en"

    def __format__(self, spec: str) -> str:
        if spec.startswith("plural:"):
            return plural(int(self), spec[len("plural:"):], self.lang)
        if not spec:
            return number(int(self), self.lang)
        return int.__format__(int(self), spec)


class _CountRu(_Count):
    lang = "ru"


_COUNTS = {"ru": _CountRu}  # the language is the class's: a count is made without an attribute set on it


def _show(value, lang: str):
    if isinstance(value, str):  # the common case first: text (and a person's Gendered words) as it is
        return value
    if type(value) is float:
        return number(value, lang)
    if type(value) is int or (isinstance(value, Integral) and not isinstance(value, bool)):  # numpy's too
        return _COUNTS.get(lang, _Count)(int(value))
    if isinstance(value, Real) and not isinstance(value, bool):
        return number(float(value), lang)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        if lang == "ru":
            return "да" if value else "нет"
        return "yes" if value else "no"
    return value


def plural_category(n: int, lang: str) -> str:
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
