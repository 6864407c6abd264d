"""Small helpers shared by the score components: bitset members and counts, display terms."""
from __future__ import annotations

import numpy as np

from ..arrays import popcount
from ..i18n import MESSAGES, register, render

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


def members(row: np.ndarray, vocab: list[str]) -> list[str]:
    """Vocabulary words of one packed bitset row, in vocabulary order."""
    out = []
    for w, word in enumerate(row.tolist()):  # Python ints, not numpy scalars one by one
        while word:
            low = word & -word
            out.append(vocab[w * 64 + low.bit_length() - 1])
            word ^= low
    return out


def decoder(table: np.ndarray, vocab: list[str], rows: list[int]):
    """k -> (members of row k, as a list and as a set) for the rows `rows` of a packed bitset
    table, all decoded at once (explaining many pairs meets a mentor several times). The lists
    and sets are shared: read them only."""
    wanted = np.unique(np.asarray(rows, dtype=np.int64))
    bits = np.unpackbits(np.ascontiguousarray(table[wanted], dtype="<u8").view(np.uint8), axis=1, bitorder="little")
    at, word = np.nonzero(bits)  # row by row, each in vocabulary order
    ends = np.searchsorted(at, np.arange(len(wanted)), "right").tolist()
    words = [vocab[w] for w in word.tolist()]
    memo: dict[int, tuple[list[str], set[str]]] = {}
    start = 0
    for k, end in zip(wanted.tolist(), ends):
        mine = words[start:end]
        memo[k] = (mine, set(mine))
        start = end
    return memo.__getitem__


def count(sets: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """|S| for the rows `idx` of a packed bitset table."""
    if len(idx) < len(sets):
        return popcount(sets[idx])
    # Many pairs: count once per person, then gather.
    return popcount(sets)[idx]


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
        if not term_prefix:
            out[f"{key}_{lang}"] = list(values)
            continue
        labels = []
        for v in values:
            code = term_prefix + v
            label = _LABELS.get((code, lang))
            if label is None:
                label = v
                if code in MESSAGES:  # a catalogue code's message (without parameters) never changes: kept
                    label = _LABELS[(code, lang)] = render(code, None, lang)
            labels.append(label)
        out[f"{key}_{lang}"] = labels
    return out


_LABELS: dict[tuple[str, str], str] = {}  # (code, lang) -> the label localized() shows


def row_kinds(table: np.ndarray) -> np.ndarray:
    """A kind per row of a 2-D table (bitsets, scales): equal rows (byte for byte), one kind."""
    n = len(table)
    data = np.ascontiguousarray(table).view(np.uint8).reshape(n, -1) if n else np.zeros((0, 0), np.uint8)
    words = np.zeros((n, -(-data.shape[1] // 8) * 8), dtype=np.uint8)
    words[:, :data.shape[1]] = data
    words = words.view(np.uint64)
    if words.shape[1] == 0:
        return np.zeros(n, dtype=np.int64)
    order = np.lexsort(words.T[::-1])
    new = np.ones(n, dtype=bool)
    new[1:] = (words[order[1:]] != words[order[:-1]]).any(axis=1)
    kinds = np.empty(n, dtype=np.int64)
    kinds[order] = np.cumsum(new) - 1
    return kinds
