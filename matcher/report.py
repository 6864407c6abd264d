"""report.html (placeholder until written)."""
from __future__ import annotations


def write_report(doc: dict, out_dir, lang: str = "en", sensitive=None, anonymize: bool = False):
    return None
