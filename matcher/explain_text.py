"""Terminal explanations read from result.json (placeholder until written)."""
from __future__ import annotations

import json
from pathlib import Path


class ExplainError(Exception):
    def __init__(self, code: str, params: dict | None = None, exit_code: int = 1):
        super().__init__(code)
        self.code, self.params, self.exit_code = code, params or {}, exit_code


def load_result(result_dir: Path) -> dict:
    return json.loads((result_dir / "result.json").read_text(encoding="utf-8"))


def explain_text(doc: dict, mentee=None, mentor=None, pair=None, lang: str = "en") -> str:
    return ""
