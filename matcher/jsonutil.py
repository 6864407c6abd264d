"""JSON-ready values for result documents: numpy scalars to Python, floats rounded, nan to None;
and a result document as text a person can read, written at the speed of the C encoder."""
from __future__ import annotations

import json
import math

import numpy as np


_PLAIN = (str, int, bool, type(None))  # most of a document: kept as they are


def jsonable(value, digits: int = 4):
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:  # the usual parameters: plain values and lists of them, read without a call each
        return {k if type(k) is str else str(k): v if type(v) in _PLAIN else _plain_list(v, digits) if type(v) is list
                else jsonable(v, digits) for k, v in value.items()}
    if isinstance(value, dict):
        return {str(k): v if type(v) in _PLAIN else jsonable(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [v if type(v) in _PLAIN else jsonable(v, digits) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v, digits) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, digits)
    return value


def _plain_list(values: list, digits: int) -> list:
    return [v if type(v) in _PLAIN else jsonable(v, digits) for v in values]


def dumps_readable(doc: dict) -> str:
    """`doc` as JSON with one top-level key a line, and one element a line of each top-level
    list or dict (a pair, a mentee, a mentor): json.dumps(indent=...) runs the pure-Python
    encoder, several times slower than this, which dumps each element with the C one."""

    def compact(value) -> str:
        return json.dumps(value, ensure_ascii=False, check_circular=False)  # no cycles in a document

    lines = []
    for key, value in doc.items():
        head = f" {compact(str(key))}: "
        if isinstance(value, list) and value:
            lines.append(head + "[\n" + ",\n".join("  " + compact(v) for v in value) + "\n ]")
        elif isinstance(value, dict) and value:
            lines.append(head + "{\n" + ",\n".join(f"  {compact(str(k))}: {compact(v)}" for k, v in value.items())
                         + "\n }")
        else:
            lines.append(head + compact(value))
    return "{\n" + ",\n".join(lines) + "\n}\n"
