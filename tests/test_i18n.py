"""The message catalogue as Russian reads it.

A person's name («Иванова Мария (T1)») is inserted as it is, in the nominative: a Russian
message must never put it after a word that wants another case («к», «у», «для»,
«наставника», «с наставником» …). It stands as the subject, after a colon, in a list or
as a label: «наставник Иванова Мария (T1): возраст неизвестен», «наставник — Иванова Мария (T1)»,
«пара «Иванова Мария (T1) – Петров Олег (S3)»».
"""
from __future__ import annotations

import importlib
import pkgutil
import re

import matcher
from matcher.i18n import MESSAGES, Gendered, render

# Parameters that hold a person's name ("Name (ID)") or a pair of names in some message.
NAME_PARAMS = ("id", "mentor_id", "mentee_id", "partner_id", "mentor", "mentee", "a", "b", "who", "person",
               "previous", "pair", "source", "target", "actual", "self", "the_mentee", "the_mentor")

# Words after which a noun takes a case other than the nominative: prepositions, and role
# nouns in an oblique case (a name after them reads as if it were declined, and is not).
GOVERNING = """
к ко у для от с со о об обо без до из при за про через между на в во по над под перед вместо кроме
около после среди против ради
наставника наставнику наставником наставнике наставников наставникам наставниками наставниках
наставляемого наставляемому наставляемым наставляемом наставляемой наставляемую наставляемых
наставляемыми
ученика ученику учеником ученике ученицы ученице ученицу ученицей учеников
участника участнику участником участнике
пары пару паре парой
согласия
""".split()

SAMPLE = "Иванова Мария (T1)"
_AFTER_GOVERNING = re.compile(r"(?<![\w-])(?:" + "|".join(GOVERNING) + r")\s+" + re.escape(SAMPLE),
                              re.IGNORECASE)
# «Ивановой Марии нет»: the negation wants the genitive too.
_BEFORE_NEGATION = re.compile(re.escape(SAMPLE) + r"\s+нет\b")


def _import_every_module():
    """Each module registers its own messages at import: load them all."""
    for module in pkgutil.walk_packages(matcher.__path__, "matcher."):
        importlib.import_module(module.name)


def _names_a_person(text: str) -> bool:
    return any(re.search(r"\{" + param + r"[}:]", text) for param in NAME_PARAMS)


def _misplaces(text: str) -> bool:
    return bool(_AFTER_GOVERNING.search(text) or _BEFORE_NEGATION.search(text))


def test_no_russian_message_puts_a_name_after_a_word_that_governs_another_case():
    _import_every_module()
    for gender in ("f", "m", None):
        params = {param: Gendered(SAMPLE, gender) for param in NAME_PARAMS}
        wrong = sorted({f"{code}: {render(code, params, 'ru')}" for code, (ru, _en) in MESSAGES.items()
                        if _names_a_person(ru) and _misplaces(render(code, params, "ru"))})
        assert not wrong, "\n".join(wrong)


def test_the_check_sees_a_name_after_a_preposition_or_an_oblique_role_noun():
    for text in (f"дать наставнику {SAMPLE} ещё одно место", f"у {SAMPLE} нет пары",
                 f"пара с наставником {SAMPLE}", f"для пары {SAMPLE} – Петров Олег (S3)",
                 f"{SAMPLE} нет в анкетах"):
        assert _misplaces(text), text
    for text in (f"наставник {SAMPLE}: возраст неизвестен", f"наставник — {SAMPLE}",
                 f"пара «{SAMPLE} – Петров Олег (S3)»", f"{SAMPLE} и Петров Олег (S3) в паре",
                 f"{SAMPLE}: мест нет"):
        assert not _misplaces(text), text
