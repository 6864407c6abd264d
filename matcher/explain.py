"""Explanations (placeholder until written): adds structured explanations to the result document."""
from __future__ import annotations


def add_explanations(doc: dict, result, top_k: int | None = None) -> None:
    return None
