"""Small helpers shared by the score components: bitset members, chunking, display terms."""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..arrays import popcount
from ..i18n import MESSAGES, register, render

# Pairs evaluated per block where a component builds [E, k] temporaries (psych).
CHUNK = 1 << 18

# Display labels of the canonical spheres (models.SPHERE_ALIASES); free values show as typed.
register({
    "sphere.study": ("учёба", "study"),
    "sphere.adaptation": ("адаптация", "adaptation"),
    "sphere.career": ("профориентация", "career guidance"),
    "sphere.olympiad": ("олимпиады", "olympiads"),
    "sphere.project": ("проекты", "projects"),
    "sphere.sport": ("спорт", "sport"),
    "sphere.creativity": ("творчество", "creativity"),
    "sphere.ict": ("цифровые навыки", "digital skills"),
    "sphere.methodology": ("методическая помощь", "teaching methods"),
    "sphere.discipline": ("дисциплина", "discipline"),
    "sphere.communication": ("общение", "communication"),
    "sphere.leadership": ("лидерство", "leadership"),
    "sphere.exams": ("подготовка к экзаменам", "exam preparation"),
    "sphere.burnout": ("профессиональное выгорание", "burnout"),
})


def chunks(n: int, size: int = CHUNK) -> Iterator[slice]:
    for start in range(0, n, size):
        yield slice(start, min(n, start + size))


def members(row: np.ndarray, vocab: list[str]) -> list[str]:
    """Vocabulary words of one packed bitset row, in vocabulary order."""
    out = []
    for w, word in enumerate(int(x) for x in row):
        while word:
            low = word & -word
            out.append(vocab[w * 64 + low.bit_length() - 1])
            word ^= low
    return out


def count(sets: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """|S| for the rows `idx` of a packed bitset table."""
    if len(idx) < len(sets):
        return popcount(sets[idx])
    # Many pairs: count once per person, then gather.
    return popcount(sets)[idx]


def count_and(sets_a: np.ndarray, idx_a: np.ndarray, sets_b: np.ndarray, idx_b: np.ndarray) -> np.ndarray:
    """|A ∩ B| for row-aligned pairs of rows of two bitset tables."""
    # Word by word: no [E, words] temporaries and no slow short-axis sum.
    out = np.bitwise_count(sets_a[idx_a, 0] & sets_b[idx_b, 0]).astype(np.int32)
    for w in range(1, sets_a.shape[1]):
        out += np.bitwise_count(sets_a[idx_a, w] & sets_b[idx_b, w])
    return out


def share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """part / whole as float32, 0 where whole is 0."""
    return (part / np.maximum(whole, 1)).astype(np.float32)


def localized(key: str, values: list[str], term_prefix: str = "") -> dict:
    """Parameters for a list of terms: the language-neutral values under `key`, and their
    labels under `key_ru` / `key_en` (a value whose `term_prefix + value` is a catalogue
    code is shown by that message, any other value as written). Templates use the
    suffixed keys, so the explanation stays data and still reads naturally in each language."""
    out: dict = {key: list(values)}
    for lang in ("ru", "en"):
        labels = []
        for v in values:
            code = term_prefix + v
            labels.append(render(code, None, lang) if term_prefix and code in MESSAGES else v)
        out[f"{key}_{lang}"] = labels
    return out
