"""Next year's configuration as the monitoring suggests it (`matcher config --suggest-from`,
and suggested_config.toml beside the monitoring report): the configuration the year's run
used, its weights changed by the analysis' rule, every weight commented with why. A file for
the curator to review; nothing applies it."""
from __future__ import annotations

import copy

from pydantic import ValidationError

from ..config import ProgramConfig
from ..i18n import number, render
from ..tomlfile import dumps
from .analysis import Analysis, analyse, suggested_weights
from .words import outcome_text, rule_text, verdict_text
from .year import MonitoredYear, load_year


def in_model_order(config: dict) -> dict:
    """The run's configuration with its sections and settings in the order `matcher config
    --print-defaults` shows them (the history keeps them sorted); as it is when this version's
    model no longer reads it."""
    try:
        return ProgramConfig.model_validate(config).model_dump(mode="json")
    except ValidationError:
        return copy.deepcopy(config)


def suggested_config_text(year: MonitoredYear, analysis: Analysis, lang: str) -> str:
    config = in_model_order(year.run["config"])
    weights = suggested_weights(config.get("weights") or {}, analysis)
    findings = {f.component: f for f in analysis.findings}
    comments = {}
    for name, (old, new, _) in weights.items():
        config["weights"][name] = new
        verdict = verdict_text(findings.get(name), lang, with_stats=True)
        code = "monitor.suggest.kept" if new == old else "monitor.suggest.changed"
        comments[f"weights.{name}"] = render(code, {"old": number(old, lang), "verdict": verdict}, lang)
    if (config.get("program") or {}).get("reference_date"):
        comments["program.reference_date"] = render("monitor.suggest.reference_date", {"year": year.year}, lang)
    header = [render("monitor.suggest.header", {"year": year.year, "programme": year.programme}, lang),
              render("monitor.suggest.only", None, lang), rule_text(analysis.alpha, lang),
              render("monitor.suggest.basis", {"outcome": outcome_text(analysis, lang), "n": analysis.n}, lang)]
    if analysis.too_few and analysis.outcome != "none":
        header.append(render("monitor.too_few", {"n": analysis.n, "min": analysis.min_pairs}, lang))
    return dumps(config, comments, header)


def suggest_from_history(history_path, programme: str | None = None, year: str | None = None,
                         lang: str = "en") -> str:
    """The suggested configuration's text for the programme's year (see load_year)."""
    monitored = load_year(history_path, programme, year)
    return suggested_config_text(monitored, analyse(monitored.pairs, monitored.stages), lang)
