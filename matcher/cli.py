"""Command-line interface: a thin click layer over the library.

Each command parses options, calls one library function and prints. Exit codes
(README, "Commands"): 0 done; 1 input rejected; 2 usage error; 3 no feasible assignment;
4 the output cannot be written (checked before the solve; the previous results stay intact);
5 `matcher batch`: some programmes were not done (the others have their results).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .i18n import default_lang, number, register, render

register({
    "cli.config_rejected": ("настройки отклонены:", "configuration rejected:"),
    "cli.input_rejected": ("входные данные отклонены: ошибок — {errors}, предупреждений — {warnings}",
                           "input rejected: {errors} {errors:plural:error|errors}, {warnings} "
                           "{warnings:plural:warning|warnings}"),
    "cli.input_ok": ("входные данные в порядке: ошибок нет, предупреждений — {warnings}",
                     "input is valid: no errors, {warnings} {warnings:plural:warning|warnings}"),
    "cli.no_input": ("укажите --participants или --mentors и --mentees",
                     "give --participants, or --mentors and --mentees"),
    "cli.sample_written": ("записаны файлы: {files}", "wrote: {files}"),
    "cli.warnings_hidden": ("предупреждений при чтении анкет: {warnings} (подробно: matcher validate или result.json)",
                            "{warnings} {warnings:plural:warning|warnings} while reading the questionnaires (details: "
                            "matcher validate "
                            "or result.json)"),
    "cli.stage": ("{stage}… ({seconds} с)", "{stage}... ({seconds} s)"),
    "stage.sample": ("создание анкет образцовой школы", "writing the sample school's questionnaires"),
    "stage.read": ("чтение анкет", "reading questionnaires"),
    "stage.match": ("подбор пар", "matching"),
    "stage.write": ("запись результатов", "writing results"),
    "stage.explain": ("объяснения", "explanations"),
    "cli.summary_status": ("Статус решения: {status} ({proof}), метод: {engine}",
                           "Solver status: {status} ({proof}), engine: {engine}"),
    "cli.summary_status_unproven": ("Статус решения: FEASIBLE — оптимальность не доказана{why}; разрыв: {gaps}",
                                    "Solver status: FEASIBLE — optimality not proven{why}; gap: {gaps}"),
    "cli.over_limit": ("Внимание: подбор и объяснения заняли на {over} с больше, чем --time-limit {limit} с: "
                       "построение графа возможных пар ({graph} с) и первый поток всегда выполняются до конца.",
                       "Note: matching and explanations took {over} s longer than --time-limit {limit} s: building "
                       "the graph of possible pairs ({graph} s) and the first flow always run to the end."),
    "cli.stopped_by_time_limit": (" (истёк --time-limit)", " (--time-limit reached)"),
    "cli.score_resolution": ("Внимание: {text}.", "Note: {text}."),
    # one vocabulary of counts with the report (results.pair_counts)
    "cli.summary_counts": ("Пар «наставник – наставляемый»: {pairs} (индивидуальных: {individual_pairs}; групп: "
                           "{groups}, наставляемых в них: {mentees_in_groups}); наставляемых с парой: {matched} из "
                           "{mentees}; без пары: {unmatched}; допустимых пар-кандидатов: {candidates}",
                           "Mentor–mentee pairs: {pairs} (individual: {individual_pairs}; groups: {groups}, "
                           "{mentees_in_groups} mentees in them); mentees paired: {matched} of {mentees}; unpaired: "
                           "{unmatched}; candidate pairs: {candidates}"),
    "cli.summary_form": ("  {form}: {matched} из {mentees}", "  {form}: {matched} of {mentees}"),
    "cli.summary_priority": ("  приоритет {priority}: {matched} из {mentees}", "  priority {priority}: {matched} of {mentees}"),
    "cli.summary_priority_plain": ("  обычный (0): {matched} из {mentees}", "  regular (0): {matched} of {mentees}"),
    "cli.by_form": ("По формам:", "By form:"),
    "cli.by_priority": ("По приоритету:", "By priority:"),
    "cli.not_computed_in_time": ("Объяснения, не вычисленные за отведённое время (--time-limit): альтернатив — "
                                 "{alternatives}, изменений — {changes}",
                                 "Explanations not computed in time (--time-limit): alternatives: {alternatives}, "
                                 "changes: {changes}"),
    "cli.time": ("Время: {seconds} с", "Time: {seconds} s"),
    "cli.outputs": ("Результаты: {dir}", "Results: {dir}"),
    "cli.infeasible": ("Нет допустимого распределения при заданных закреплениях:",
                       "No feasible assignment under the given locks:"),
    "cli.engine_flow": ("метод flow не выражает групповые минимумы, разброс классов и взаимное наставничество; "
                        "используйте --engine auto или cpsat",
                        "the flow engine cannot express group minimums, grade spread or mutual mentoring; "
                        "use --engine auto or cpsat"),
    "cli.bad_school_year": ("--school-year: ожидается учебный год вида 2026/2027, получено «{value}»",
                            "--school-year: expected a school year such as 2026/2027, got '{value}'"),
    "cli.history_file": ("{path}: {message}", "{path}: {message}"),
    "cli.unknown_status": ("решатель не нашёл ни одного решения за {seconds} с; увеличьте --time-limit",
                           "the solver found no solution within {seconds} s; raise --time-limit"),
})

LANG_OPTION = click.option("--lang", type=click.Choice(["ru", "en"]), default=None,
                           help="Language of messages and reports (default: from the locale).")


def input_options(f):
    """Options every command that reads questionnaires shares."""
    f = click.option("--participants", "participants", type=click.Path(dir_okay=False),
                     help="One file (CSV, XLSX, XLS or ODS) with a role column, or a workbook with a "
                          "mentors sheet and a mentees sheet.")(f)
    f = click.option("--mentees", type=click.Path(dir_okay=False), help="Mentees' questionnaires (CSV, XLSX, XLS or ODS).")(f)
    f = click.option("--mentors", type=click.Path(dir_okay=False), help="Mentors' questionnaires (CSV, XLSX, XLS or ODS).")(f)
    f = click.option("--mapping", type=click.Path(dir_okay=False),
                     help="Mapping file (TOML): questionnaire headers and answers -> canonical fields.")(f)
    f = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                     help="Programme configuration (TOML); see `matcher config --print-defaults`.")(f)
    return LANG_OPTION(f)


def _lang(lang: str | None) -> str:
    return lang or default_lang()


def _echo_problems(report, lang: str, err: bool = True) -> None:
    for line in report.render(lang):
        click.echo(line, err=err)


def load_config_or_exit(config_path, lang):
    from .config import load_config
    from .problems import ProblemReport

    report = ProblemReport()
    config = load_config(config_path, report)
    if config is None:
        click.echo(render("cli.config_rejected", None, lang), err=True)
        _echo_problems(report, lang)
        sys.exit(1)
    return config


def load_input_or_exit(lang, config, mentors, mentees, participants, mapping, *, summary: bool = False,
                       all_warnings: bool = True):
    """Read and validate questionnaires; print every error (and warnings, or their count);
    exit 1 on any error."""
    from . import io

    if not participants and not (mentors and mentees):
        click.echo(render("cli.no_input", None, lang), err=True)
        sys.exit(2)
    ingest = io.load(mentors=mentors, mentees=mentees, participants=participants, mapping=mapping,
                     config=config)
    if summary:
        click.echo(io.render_summary(ingest, config, lang))
    n_err, n_warn = len(ingest.report.errors), len(ingest.report.warnings)
    if all_warnings or n_err:
        _echo_problems(ingest.report, lang)
    elif n_warn:
        click.echo(render("cli.warnings_hidden", {"warnings": n_warn}, lang), err=True)
    if n_err:
        click.echo(render("cli.input_rejected", {"errors": n_err, "warnings": n_warn}, lang), err=True)
        sys.exit(1)
    return ingest


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="matcher")
def main():
    """Mentoring pairs and groups from mirror questionnaires: proven optimal, explained.

    \b
    Exit codes: 0 done; 1 input rejected; 2 usage error;
    3 no feasible assignment under the given locks;
    4 the output cannot be written (the previous results stay intact;
    with --history, also a run written but not recorded);
    5 (batch) some programmes were not done: they are listed in summary.csv
    and summary.html, the others have their results.
    """


@main.command()
@input_options
def validate(lang, config_path, mapping, mentors, mentees, participants):
    """Read and check questionnaires; print a summary and every problem (exit 1 on errors)."""
    lang = _lang(lang)
    config = load_config_or_exit(config_path, lang)
    ingest = load_input_or_exit(lang, config, mentors, mentees, participants, mapping, summary=True)
    click.echo(render("cli.input_ok", {"warnings": len(ingest.report.warnings)}, lang))


def year_options(f):
    """Which programme year of a history a command reads."""
    f = click.option("--school-year", "school_year", metavar="YYYY/YYYY",
                     help="School year, e.g. 2026/2027 (default: the latest one).")(f)
    return click.option("--programme", help="Programme name (default: the history's only programme).")(f)


def history_error_exit(exc, lang) -> None:
    """A history that cannot serve the command: its reason, exit 1."""
    click.echo(f"{exc.path}: {render(exc.code, exc.params, lang)}" if exc.path else render(exc.code, exc.params, lang),
               err=True)
    sys.exit(1)


@main.command("config")
@click.option("--print-defaults", is_flag=True, help="Print the full default configuration, commented.")
@click.option("--check", "check_path", type=click.Path(dir_okay=False), help="Check a configuration file.")
@click.option("--suggest-from", "history_path", type=click.Path(dir_okay=False, exists=True),
              help="Print next year's configuration as the monitoring in this history suggests it: the year's "
                   "configuration with its weights changed, each commented (a suggestion to review; nothing is "
                   "applied).")
@year_options
@LANG_OPTION
def config_cmd(print_defaults, check_path, history_path, programme, school_year, lang):
    """Show the default programme configuration, check one, or suggest next year's."""
    from .config import default_config_text

    lang = _lang(lang)
    if check_path:
        load_config_or_exit(check_path, lang)
        click.echo("OK")
        return
    if history_path:
        from .history import HistoryError
        from .monitor.suggest import suggest_from_history

        try:
            click.echo(suggest_from_history(history_path, programme, school_year, lang), nl=False)
        except HistoryError as exc:
            history_error_exit(exc, lang)
        return
    click.echo(default_config_text(), nl=False)


@main.command()
@click.option("--mentees", "n_mentees", type=click.IntRange(1, 1_000_000), default=200, show_default=True,
              help="Number of mentees; mentors are about half as many.")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Random seed: the same seed writes the same files.")
@click.option("--out", "out_dir", type=click.Path(), required=True,
              help="Directory for mentors and mentees questionnaires.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True,
              help="CSV files (UTF-8 with BOM, ';') or one XLSX workbook.")
@LANG_OPTION
def sample(n_mentees, seed, out_dir, fmt, lang):
    """Write a realistic synthetic school (deterministic by seed)."""
    from .io.outputset import OutputError, prepare_plain_dir
    from .sample import write_sample

    lang = _lang(lang)
    try:
        prepare_plain_dir(out_dir)
        try:
            files = write_sample(Path(out_dir), n_mentees=n_mentees, seed=seed, fmt=fmt)
        except OSError as exc:
            raise OutputError("output.write_failed", {"path": str(out_dir)}, exc) from None
    except OutputError as exc:
        click.echo(exc.message(lang), err=True)
        sys.exit(4)
    click.echo(render("cli.sample_written", {"files": [str(f) for f in files]}, lang))


def import_engine() -> None:
    """Import what a whole run uses (numpy, scipy, OR-Tools, pydantic, jinja2 and the engine:
    about a second) in one go, with the cyclic garbage collector paused: every object an import
    makes lives to the end of the run, so the collections the imports would trigger (a tenth of
    a second in all) find nothing to free; then results.gc_settle keeps them out of the
    collector's way for the rest of the run."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        from . import config, explain, pipeline, report, results  # noqa: F401
        from .io import ingest  # noqa: F401
    finally:
        if was_enabled:
            gc.enable()
    results.gc_settle()


def _stage(lang, stage, t0, quiet):
    import time

    if not quiet:
        click.echo(render("cli.stage", {"stage": render(f"stage.{stage}", None, lang),
                                        "seconds": number(time.perf_counter() - t0, lang, 1)}, lang), err=True)


def print_summary(doc: dict, lang: str, seconds: float, out_dir, order=None) -> None:
    from .results import gap_text, pair_counts, score_resolution_text

    solver, summary = doc["solver"], doc["summary"]
    if solver["status"] == "FEASIBLE":
        why = render("cli.stopped_by_time_limit", None, lang) if solver.get("stopped_by_time_limit") else ""
        click.echo(render("cli.summary_status_unproven", {"why": why, "gaps": gap_text(solver, lang)}, lang))
    else:
        click.echo(render("cli.summary_status", {"status": solver["status"], "proof": solver["proof"],
                                                 "engine": solver["engine"]}, lang))
    resolution = score_resolution_text(solver, lang)
    if resolution:
        click.echo(render("cli.score_resolution", {"text": resolution}, lang))
    counts = {k: summary[k] for k in ("pairs", "individual_pairs", "groups", "mentees_in_groups") if k in summary}
    if len(counts) < 4:  # a result written before these counts
        counts = pair_counts(doc["pairs"], {m["mentor_id"]: m.get("group_min") for m in doc.get("mentors") or []})
    click.echo(render("cli.summary_counts", {**counts, "matched": summary["matched_mentees"],
                                             "mentees": summary["mentees"], "unmatched": summary["unmatched_mentees"],
                                             "candidates": summary["candidate_pairs"]}, lang))
    click.echo(render("cli.by_form", None, lang))
    forms = doc["program"]["forms"]
    for form, row in summary["by_form"].items():
        if row["mentees"]:
            title = forms[form]["title_ru" if lang == "ru" else "title_en"]
            click.echo(render("cli.summary_form", {"form": title, **row}, lang))
    if len(summary["by_priority"]) > 1:
        click.echo(render("cli.by_priority", None, lang))
        for p, row in sorted(summary["by_priority"].items(), key=lambda kv: -int(kv[0])):
            code = "cli.summary_priority_plain" if str(p) == "0" else "cli.summary_priority"  # as the report says
            click.echo(render(code, {"priority": p, **row}, lang))
    late = summary.get("not_computed_in_time") or {}
    if any(late.values()):
        click.echo(render("cli.not_computed_in_time", {"alternatives": late.get("alternatives", 0),
                                                       "changes": late.get("changes", 0)}, lang))
    click.echo(render("cli.time", {"seconds": number(seconds, lang, 1)}, lang))
    click.echo(render("cli.outputs", {"dir": str(out_dir)}, lang))
    if order:
        from . import order as _  # noqa: F401 - registers the order's messages
        click.echo(render("order.written", {"path": str(order)}, lang))


def print_conflict(solution, lang: str) -> None:
    """Each clash: what it is, the locks of its minimal core (file:row), the rules they break."""
    from .conflicts import conflict_headline, conflict_lines

    click.echo(render("cli.infeasible", None, lang), err=True)
    for item in solution.conflict:
        click.echo("  " + conflict_headline(item, lang), err=True)
        for line in conflict_lines(item, lang):
            click.echo("    " + line, err=True)


def prepare_outputs_or_exit(out_dir, lang, inputs=()):
    """Check --out and stage its new set before any heavy work: exit 4 with the path and the
    OS reason, not a traceback after the solve."""
    from .io.outputset import OutputError, OutputSet

    try:
        return OutputSet(out_dir, inputs=inputs).prepare()
    except OutputError as exc:
        click.echo(exc.message(lang), err=True)
        sys.exit(4)


def order_format_or_exit(order, lang) -> None:
    """An order file that is neither .docx nor .xlsx: exit 1 at once, before any reading."""
    if order is not None:
        from .order import OrderFormatError, order_format

        try:
            order_format(order)
        except OrderFormatError as exc:
            click.echo(exc.message(lang), err=True)
            sys.exit(1)


def order_target_or_exit(order, outputs, lang, inputs=()) -> None:
    """Check where the order goes beside the prepared output set, before the solve: exit 4 with
    the path and the reason when it cannot be written there."""
    from .io.outputset import OutputError
    from .order import order_target

    if order is not None:
        try:
            order_target(order, outputs.target, inputs)
        except OutputError as exc:
            outputs.discard()
            click.echo(exc.message(lang), err=True)
            sys.exit(4)


ORDER_OPTION = click.option(
    "--order", type=click.Path(), default=None,
    help="Also write the order's annex (the approved pairs and groups, to sign) as an editable file: "
         "order.docx (Word) or order.xlsx (Excel), by the ending. Inside --out it joins the output set; "
         "elsewhere it is written on its own.")


def run_match(lang, config, participants, *, pair_specs, engine, time_limit, seed, xlsx, headers,
              quiet, input_files, warnings, t0, report_options=None, outputs=None, out_dir=None,
              order=None, runner=None, more_lines=None, run_options=None, after=None) -> int:
    """matcher.run (into `outputs`, an OutputSet prepared by the caller; or into `out_dir`) with
    the CLI's printing: progress, then the conflict or the summary. Returns the exit code.
    `runner` takes matcher.run's place (same arguments); `more_lines(done)` gives lines printed
    after the summary or the conflict; `run_options`: more keyword arguments of the runner;
    `after(done)`, once a run's outputs are written and summed up, prints what it does and
    returns the exit code (the history's record)."""
    import time

    from .io.outputset import OutputError
    from .order import OrderFormatError
    from .pipeline import run
    from .problems import InputRejected
    from .solve import EngineError

    try:
        done = (runner or run)(participants, config, outputs if outputs is not None else out_dir,
                               pair_specs=pair_specs, engine=engine, time_limit=time_limit, seed=seed, lang=lang,
                               headers=headers, xlsx=xlsx, input_files=input_files, warnings=warnings,
                               on_stage=lambda stage: _stage(lang, stage, t0, quiet), order=order,
                               **(report_options or {}), **(run_options or {}))
    except EngineError:
        click.echo(render("cli.engine_flow", None, lang), err=True)
        return 2
    except InputRejected as exc:
        _echo_problems(exc.report, lang)
        return 1
    except OrderFormatError as exc:
        click.echo(exc.message(lang), err=True)
        return 1
    except OutputError as exc:
        click.echo(exc.message(lang), err=True)
        return 4
    if done.status == "INFEASIBLE":
        print_conflict(done.match.solution, lang)
        for line in (more_lines(done) if more_lines else []):
            click.echo(line, err=True)
        return 3
    if done.status == "UNKNOWN":
        click.echo(render("cli.unknown_status", {"seconds": time_limit}, lang), err=True)
        return 3
    print_summary(done.document, lang, time.perf_counter() - t0, done.out_dir, done.order)
    for line in (more_lines(done) if more_lines else []):
        click.echo(line)
    timings = done.match.timings
    if timings.get("over_limit", 0.0) > 0.1 * time_limit:
        click.echo(render("cli.over_limit", {
            "over": number(timings["over_limit"], lang, 1), "limit": f"{time_limit:g}",  # as typed after --time-limit
            "graph": number(timings.get("roster", 0.0) + timings.get("graph", 0.0), lang, 1)}, lang))
    return after(done) if after is not None else 0


def begin_run(lang, quiet, order, config_path, history_path, school_year_text):
    """The start `match` and `rematch` share: the clock, the reader's language, the first progress
    line (at once: the configuration is part of what is read), the engine imported, --order's
    format and the configuration checked, the history opened. Returns (t0, lang, config, history)."""
    import time

    t0 = time.perf_counter()
    lang = _lang(lang)
    _stage(lang, "read", t0, quiet)
    import_engine()
    order_format_or_exit(order, lang)
    config = load_config_or_exit(config_path, lang)
    return t0, lang, config, HistoryRun(history_path, school_year_text, config, lang)


def read_for_run(lang, config, out_dir, order, inputs):
    """What `match` and `rematch` read before the solve: the questionnaires (exit 1 on errors),
    the consilium's locks, the warnings to record; then --out and --order checked and the set
    staged (exit 4). `inputs`: mentors, mentees, participants, mapping, config and locks paths
    (those six first, in that order), then any other file read. Returns (ingest, pair_specs,
    warnings, outputs)."""
    from .locks import load_pair_specs

    mentors, mentees, participants, mapping, _, locks_path = inputs[:6]
    ingest = load_input_or_exit(lang, config, mentors, mentees, participants, mapping, all_warnings=False)
    pair_specs = []
    if locks_path:
        pair_specs, report = load_pair_specs(locks_path)
        if report.errors:
            _echo_problems(report, lang)
            sys.exit(1)
    warnings = [p.to_dict(lang) for p in ingest.report.warnings]
    outputs = prepare_outputs_or_exit(out_dir, lang, inputs)
    order_target_or_exit(order, outputs, lang, inputs)
    return ingest, pair_specs, warnings, outputs


class HistoryRun:
    """`--history FILE` of `match` and `rematch`: the history opened (created, migrated) before
    anything is solved, and the run recorded once its outputs are written. A history that
    cannot be used is refused at once (exit 1); a file created for a run that then fails is
    removed again."""

    def __init__(self, path, school_year_text, config, lang):
        self.path, self.lang, self.history, self.created, self.tried = path, lang, None, False, False
        if path is None:
            return
        from .history import History, HistoryError, parse_school_year, school_year

        year = parse_school_year(school_year_text) if school_year_text is not None else None
        if school_year_text is not None and year is None:
            click.echo(render("cli.bad_school_year", {"value": school_year_text}, lang), err=True)
            sys.exit(2)
        self.year = year or school_year(config.reference_date())
        self.created = not Path(path).exists()
        try:
            self.history = History.open(path)
        except HistoryError as exc:
            self.close()
            click.echo(render("cli.history_file", {"path": str(path), "message": render(exc.code, exc.params, lang)},
                              lang), err=True)
            sys.exit(1)

    def carry(self, config, participants):
        """`match`: the history's exclusions and raised priorities (history.carry.Carry), or None."""
        if self.history is None:
            return None
        from .history.carry import plan_carry

        return plan_carry(self.history, config, participants, self.year)

    def recorder(self, kind, inputs, anonymize):
        """run_match's `after`: records the written run, prints where (exit 4 if it cannot)."""
        if self.history is None:
            return None

        def after(done) -> int:
            from .history import HistoryError
            from .history.record import record_outputs

            self.tried = True
            try:
                run_id = record_outputs(self.history, done, kind=kind, year=self.year, inputs=inputs,
                                        anonymize=anonymize)
            except HistoryError as exc:
                click.echo(render("history.record_failed", {"path": str(self.path), "out": str(done.out_dir),
                                                            "error": render(exc.code, exc.params, self.lang)},
                                  self.lang), err=True)
                return 4
            click.echo(render("history.recorded", {"file": str(self.path), "programme": done.document["program"]["name"],
                                                   "year": self.year, "run": run_id}, self.lang))
            return 0

        return after

    def close(self) -> None:
        """Closes the history; removes the file this run created when it recorded nothing."""
        if self.history is not None:
            self.history.close()
            self.history = None
        if self.created and not self.tried:
            Path(self.path).unlink(missing_ok=True)


def history_options(f):
    """`--history` and `--school-year` of `match` and `rematch`."""
    f = click.option("--school-year", "school_year_text", metavar="YYYY/YYYY",
                     help="The school year the run belongs to, e.g. 2026/2027 (default: the year, September to "
                          "August, of the programme's reference date).")(f)
    f = click.option("--history", "history_path", type=click.Path(),
                     help="The programme history (one SQLite file, created if absent): the run is recorded there "
                          "once its outputs are written. `match` also never proposes again a pair dissolved or "
                          "rated unacceptable in earlier years, and raises the priority of mentees left without "
                          "a pair last year ([history] in the configuration).")(f)
    return f


def run_options(f):
    """The options of one run, shared by `match` and `batch` (which applies them to every programme)."""
    f = click.option("--anonymize", is_flag=True,
                     help="Show initials instead of names in report.html (and record ids only with --history).")(f)
    f = click.option("--include-sensitive", is_flag=True,
                     help="Put sensitive columns (health, registers, family) into report.html.")(f)
    f = click.option("--quiet", "-q", is_flag=True, help="No progress lines.")(f)
    f = click.option("--headers", type=click.Choice(["en", "ru"]), default="en", show_default=True,
                     help="Language of the CSV column headers.")(f)
    f = click.option("--xlsx", is_flag=True, help="Also write pairs.xlsx.")(f)
    f = click.option("--seed", type=int, default=0, show_default=True, help="Solver seed.")(f)
    f = click.option("--time-limit", type=click.FloatRange(0.1, 86400), default=60.0, show_default=True,
                     help="Seconds for the whole run after reading (solving and explanations; writing comes "
                          "after); an answer cut short is reported FEASIBLE with its gap per objective level.")(f)
    f = click.option("--engine", type=click.Choice(["auto", "flow", "cpsat"]), default="auto", show_default=True,
                     help="auto: exact min-cost flow where the rules allow, CP-SAT otherwise.")(f)
    return f


def match_options(f):
    f = run_options(f)
    f = click.option("--out", "out_dir", type=click.Path(), required=True,
                     help="Directory for pairs.csv, unmatched.csv, result.json, report.html; replaced as a "
                          "whole on success (exit 4 if it cannot be written).")(f)
    return f


@main.command("match")
@input_options
@click.option("--locks", "locks_path", type=click.Path(dir_okay=False),
              help="Consilium decisions (CSV/XLSX): mentor_id, mentee_id, action lock|forbid, form.")
@match_options
@ORDER_OPTION
@history_options
def match_cmd(lang, config_path, mapping, mentors, mentees, participants, locks_path, out_dir, engine, time_limit,
              seed, xlsx, headers, quiet, anonymize, include_sensitive, order, history_path, school_year_text):
    """Form pairs and groups: proven-optimal assignment under every hard rule."""
    t0, lang, config, history = begin_run(lang, quiet, order, config_path, history_path, school_year_text)
    try:
        inputs = [mentors, mentees, participants, mapping, config_path, locks_path]
        ingest, pair_specs, warnings, outputs = read_for_run(lang, config, out_dir, order,
                                                             inputs + [history_path])
        people, more = ingest.participants, {}
        carry = history.carry(config, people)
        if carry is not None:
            from .history.carry import carry_lines

            people, more = carry.participants, {"exclusions": carry.exclusions, "extend": carry.extend}
        try:
            code = run_match(lang, config, people, pair_specs=pair_specs, engine=engine,
                             time_limit=time_limit, seed=seed, outputs=outputs, xlsx=xlsx, headers=headers,
                             quiet=quiet, input_files=ingest.files, warnings=warnings, t0=t0,
                             report_options={"anonymize": anonymize, "include_sensitive": include_sensitive},
                             order=order, run_options=more,
                             more_lines=(lambda done: carry_lines(done.document, lang) if done.document else [])
                             if carry is not None else None,
                             after=history.recorder("match", inputs, anonymize))
        finally:
            outputs.discard()  # a run that did not commit leaves --out as it was
    finally:
        history.close()
    sys.exit(code)


@main.command("rematch")
@input_options
@click.option("--previous", "previous_path", type=click.Path(), required=True,
              help="The previous round: a result folder of `matcher match` or `matcher rematch`, or a pairs table "
                   "the consilium edited (CSV, XLSX, XLS or ODS with the columns of pairs.csv).")
@click.option("--changes", "changes_path", type=click.Path(dir_okay=False),
              help="What changed since (CSV/XLSX): columns id, change (replace | withdrew | left | returned; "
                   "Russian: замена | отказ | выбыл | вернулся) and, for a replacement, optionally mentor_id.")
@click.option("--replace", "replace_ids", multiple=True, metavar="MENTEE_ID",
              help="A mentee who asked for another mentor: the previous one is excluded for them (repeatable).")
@click.option("--withdrew", "withdrew_ids", multiple=True, metavar="MENTOR_ID",
              help="A mentor who withdrew: their mentees are freed (repeatable).")
@click.option("--left", "left_ids", multiple=True, metavar="ID",
              help="A participant who left the programme; they stay out of later rounds too (repeatable).")
@click.option("--returned", "returned_ids", multiple=True, metavar="ID",
              help="A participant who left in an earlier round and is back (repeatable).")
@click.option("--mode", type=click.Choice(["keep", "repair"]), default="keep", show_default=True,
              help="keep: every previous pair that still passes the hard rules stays, only free mentees are "
                   "matched; repair: previous pairs may move, as few as the most pairs need.")
@click.option("--locks", "locks_path", type=click.Path(dir_okay=False),
              help="Consilium decisions (CSV/XLSX): mentor_id, mentee_id, action lock|forbid, form.")
@match_options
@ORDER_OPTION
@history_options
def rematch_cmd(lang, config_path, mapping, mentors, mentees, participants, previous_path, changes_path, replace_ids,
                withdrew_ids, left_ids, returned_ids, mode, locks_path, out_dir, engine, time_limit, seed, xlsx, headers, quiet,
                anonymize, include_sensitive, order, history_path, school_year_text):
    """Re-match mid-year: working pairs stay, free mentees get pairs; each change has its reason."""
    from functools import partial

    t0, lang, config, history = begin_run(lang, quiet, order, config_path, history_path, school_year_text)

    from .problems import ProblemReport
    from .rematch import load_changes, load_previous, option_changes, run_rematch
    from .rematch.words import summary_lines

    try:
        report = ProblemReport()
        previous = load_previous(previous_path, report)
        requests = load_changes(changes_path, report) if changes_path else []
        requests += option_changes(replace_ids, withdrew_ids, left_ids, returned_ids)
        if report.errors:
            _echo_problems(report, lang)
            sys.exit(1)
        inputs = [mentors, mentees, participants, mapping, config_path, locks_path, changes_path, *previous.files]
        ingest, pair_specs, warnings, outputs = read_for_run(lang, config, out_dir, order,
                                                             inputs + [history_path])

        def more_lines(done):
            if done.status == "INFEASIBLE":
                return [render("rematch.hint_repair", None, lang)] if mode == "keep" else []
            return summary_lines(done.document, lang) if done.document else []

        try:
            code = run_match(lang, config, ingest.participants, pair_specs=pair_specs, engine=engine,
                             time_limit=time_limit, seed=seed, outputs=outputs, xlsx=xlsx, headers=headers,
                             quiet=quiet, input_files=ingest.files, warnings=warnings, t0=t0,
                             report_options={"anonymize": anonymize, "include_sensitive": include_sensitive},
                             order=order, more_lines=more_lines,
                             runner=partial(run_rematch, previous=previous, requests=requests, mode=mode),
                             after=history.recorder("rematch", inputs, anonymize))
        finally:
            outputs.discard()
    finally:
        history.close()
    sys.exit(code)


@main.command("batch")
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True))
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True,
              help="Directory for a folder of results per programme, summary.csv, summary.html and batch.json "
                   "(what lets the next run skip unchanged programmes).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration (TOML) of every programme without its own config.toml.")
@click.option("--mapping", type=click.Path(dir_okay=False),
              help="Mapping file (TOML) of every programme without its own mapping.toml.")
@click.option("--workers", type=click.IntRange(1, 1024), default=None,
              help="Worker processes (default: the number of cores); with --executor dask and no --scheduler, "
                   "the local Dask cluster's workers.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: worker processes on this machine; dask: a Dask cluster (pip install "
                   "'mentor-matcher[dask]').")
@click.option("--scheduler", metavar="ADDRESS",
              help="The Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --executor dask; without it a local "
                   "cluster). Its workers must see INPUT under the same path.")
@click.option("--shared-out", is_flag=True,
              help="With --scheduler: the cluster's workers see --out under the same path too, so each writes its "
                   "programmes' results there itself instead of sending them back (about 1 MB a programme).")
@click.option("--force", is_flag=True, help="Run every programme, also those unchanged since the last run.")
@click.option("--low-match-rate", type=click.FloatRange(0, 1), default=0.75, show_default=True,
              help="A programme pairing a smaller share of its mentees is listed as needing attention.")
@run_options
@LANG_OPTION
def batch_cmd(input_path, out_dir, config_path, mapping, workers, executor, scheduler, shared_out, force, low_match_rate,
              engine, time_limit, seed, xlsx, headers, quiet, anonymize, include_sensitive, lang):
    """Match a district's programmes in one run: a folder per programme, files named by
    programme (school12_mentors.csv), or one file with a programme column.

    \b
    Exit codes: 0 every programme done; 1 nothing to run (no programme found,
    or the batch's configuration, mapping or district file rejected); 2 usage
    error; 4 --out cannot be written; 5 some programmes not done (rejected
    input, clashing locks, no solution in time, a crash): listed on the
    terminal, in summary.csv and summary.html, the others have their results.
    """
    from .batch import BatchRejected, DaskExecutor, ExecutorError, LocalExecutor, RunOptions, run_batch
    from .batch.terminal import ProgressDisplay, closing_lines
    from .io.outputset import OutputError

    lang = _lang(lang)
    options = RunOptions(lang=lang, headers=headers, seed=seed, time_limit=time_limit, engine=engine, xlsx=xlsx,
                         anonymize=anonymize, include_sensitive=include_sensitive)
    try:
        if shared_out and not (executor == "dask" and scheduler):
            raise ExecutorError("batch.shared_out_alone")
        pool = DaskExecutor(scheduler, workers=workers, shares_disk=shared_out) if executor == "dask" \
            else LocalExecutor(workers)
    except ExecutorError as exc:
        click.echo(render(exc.code, exc.params, lang), err=True)
        sys.exit(2)
    display = None if quiet else ProgressDisplay(sys.stderr, lang)
    try:
        result = run_batch(input_path, out_dir, config=config_path, mapping=mapping, options=options, executor=pool,
                           force=force, low_match_rate=low_match_rate, on_progress=display)
    except BatchRejected as exc:
        _echo_problems(exc.report, lang)
        sys.exit(1)
    except OutputError as exc:
        click.echo(exc.message(lang), err=True)
        sys.exit(4)
    finally:
        if display:
            display.close()
        pool.close()
    for line in closing_lines(result, lang):
        click.echo(line)
    sys.exit(0 if result.all_done else 5)


@main.command("explain")
@click.argument("result_dir", type=click.Path(file_okay=False, exists=True))
@click.option("--mentee", "mentee_id", help="Why this mentee got this mentor, or no mentor.")
@click.option("--mentor", "mentor_id", help="This mentor's load, group and mentees.")
@click.option("--pair", nargs=2, metavar="MENTOR MENTEE", help="Why this pair, and why not the alternatives.")
@LANG_OPTION
def explain_cmd(result_dir, mentee_id, mentor_id, pair, lang):
    """Explain a decision from a result directory, in Russian or English."""
    from .explain_text import ExplainError, explain_text, load_result
    from .io.outputset import OutputError, verify_output_set

    lang = _lang(lang)
    try:
        doc = load_result(Path(result_dir))
        verify_output_set(result_dir)
        text = explain_text(doc, mentee=mentee_id, mentor=mentor_id, pair=tuple(pair) if pair else None, lang=lang)
    except ExplainError as exc:
        click.echo(render(exc.code, exc.params, lang), err=True)
        sys.exit(exc.exit_code)
    except OutputError as exc:  # not one run's files: explaining it would mislead
        click.echo(exc.message(lang), err=True)
        sys.exit(1)
    click.echo(text)


@main.command("order")
@click.argument("result_dir", type=click.Path(file_okay=False, exists=True))
@click.option("--out", "order", type=click.Path(), required=True,
              help="The order's annex to write: order.docx (Word) or order.xlsx (Excel), by the ending. Inside "
                   "RESULT_DIR it joins the result's set; elsewhere it is written on its own.")
@LANG_OPTION
def order_cmd(result_dir, order, lang):
    """Write the order's annex (the approved pairs and groups, to sign) from a result directory."""
    from .explain_text import ExplainError, load_result
    from .io.outputset import OutputError, verify_output_set
    from .order import write_order

    lang = _lang(lang)
    order_format_or_exit(order, lang)
    try:
        doc = load_result(Path(result_dir))
        verify_output_set(result_dir)
    except ExplainError as exc:
        click.echo(render(exc.code, exc.params, lang), err=True)
        sys.exit(exc.exit_code)
    except OutputError as exc:  # not one run's files: an order made of them would mislead
        click.echo(exc.message(lang), err=True)
        sys.exit(1)
    try:
        write_order(doc, order, lang, result_dir=result_dir)
    except OutputError as exc:
        click.echo(exc.message(lang), err=True)
        sys.exit(4)
    click.echo(render("order.written", {"path": str(order)}, lang))


@main.command()
@click.option("--out", "out_dir", type=click.Path(), default="demo-output", show_default=True,
              help="Directory for the sample questionnaires (input/) and the results.")
@click.option("--mentees", "n_mentees", type=click.IntRange(1, 100_000), default=200, show_default=True,
              help="Number of mentees in the sample school.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the sample school.")
@ORDER_OPTION
@LANG_OPTION
def demo(out_dir, n_mentees, seed, order, lang):
    """Sample school -> match -> outputs, in one command."""
    import time

    t0 = time.perf_counter()
    lang = _lang(lang)
    _stage(lang, "sample", t0, False)
    import_engine()

    from . import io
    from .config import load_config
    from .io.outputset import OutputError
    from .sample import write_sample

    order_format_or_exit(order, lang)
    # The sample is part of the demo's output set: staged with the results, swapped in with them.
    outputs = prepare_outputs_or_exit(out_dir, lang)
    order_target_or_exit(order, outputs, lang)
    try:
        try:
            files = write_sample(outputs.path("input"), n_mentees=n_mentees, seed=seed, fmt="csv")
        except OSError as exc:
            click.echo(OutputError("output.write_failed", {"path": str(out_dir)}, exc).message(lang), err=True)
            sys.exit(4)
        _stage(lang, "read", t0, False)
        config = load_config()
        by_name = {f.name: f for f in files}
        ingest = io.load(mentors=str(by_name["mentors.csv"]), mentees=str(by_name["mentees.csv"]), config=config)
        if ingest.report.errors:  # the bundled sample must always be valid
            _echo_problems(ingest.report, lang)
            sys.exit(1)
        warnings = [p.to_dict(lang) for p in ingest.report.warnings]
        for w in warnings:  # name the files where they will be, not where they were staged
            if w.get("file"):
                w["file"] = str(Path(out_dir) / Path(w["file"]).relative_to(outputs.staging))
        code = run_match(lang, config, ingest.participants, pair_specs=[], engine="auto", time_limit=60.0, seed=0,
                         outputs=outputs, xlsx=False, headers="en", quiet=False, input_files=ingest.files,
                         warnings=warnings, t0=t0, order=order)
    finally:
        outputs.discard()
    if code == 0:
        click.echo(render("cli.sample_written", {"files": [str(Path(out_dir) / "input" / f.name) for f in files]},
                          lang))
    sys.exit(code)


@main.group("monitor")
def monitor_group():
    """The programme's monitoring (002 §6): import each stage's effectiveness table into the history, report
    the year and what it says about the matching."""


@monitor_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--history", "history_path", type=click.Path(dir_okay=False), required=True,
              help="The programme history (SQLite) that `matcher match --history` recorded the year's pairs in.")
@click.option("--stage", type=click.Choice(["before", "after"]), required=True,
              help="before: the monitoring before entering the programme; after: after it.")
@click.option("--programme", help="The programme's name (default: the history's only programme).")
@click.option("--school-year", metavar="YYYY/YYYY",
              help="The school year, e.g. 2026/2027 (default: the latest with a recorded matching).")
@click.option("--mapping", type=click.Path(dir_okay=False),
              help="Mapping file (TOML): the file's headers -> monitoring fields, answers' replacements, "
                   "[satisfaction] min and max of the rating scale (default 1 and 10).")
@LANG_OPTION
def monitor_import_cmd(file, history_path, stage, programme, school_year, mapping, lang):
    """Import one stage of the monitoring: per pair (mentee and mentor ids) the nine indicators
    scored 0/1/2 and both partners' satisfaction. A file with any problem changes nothing
    (exit 1, each problem as file:row:column)."""
    from .history import parse_school_year
    from .monitor.importer import import_monitoring, summary

    lang = _lang(lang)
    year = parse_school_year(school_year) if school_year is not None else None
    if school_year is not None and year is None:
        raise click.BadParameter(render("monitor.bad_school_year", {"value": school_year}, lang),
                                 param_hint="--school-year")
    outcome = import_monitoring(history_path, file, stage, programme=programme, school_year=year, mapping=mapping)
    report = outcome.report
    if not outcome.ok:
        _echo_problems(report, lang)
        click.echo(render("cli.input_rejected", {"errors": len(report.errors), "warnings": len(report.warnings)},
                          lang), err=True)
        sys.exit(1)
    click.echo(summary(outcome, lang))
    if outcome.missing:
        click.echo(render("monitor.pairs_missing", {"count": len(outcome.missing)}, lang))
    _echo_problems(report, lang, err=False)


HISTORY_OPTION = click.option("--history", "history_path", type=click.Path(dir_okay=False, exists=True),
                              required=True, help="The programme history (SQLite file) the runs were recorded in.")


@monitor_group.command("sample")
@HISTORY_OPTION
@click.option("--out", "out_dir", type=click.Path(), required=True,
              help="Directory for before.csv and after.csv (the monitoring import format).")
@click.option("--effect", default="interests", show_default=True, metavar="COMPONENT|none",
              help="The score component whose value raises the pairs' growth (planted effect), or none.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed: the same seed writes the same files.")
@year_options
@LANG_OPTION
def monitor_sample(history_path, out_dir, effect, seed, programme, school_year, lang):
    """Write synthetic before/after monitoring for the last recorded run of a programme year."""
    from .history import HistoryError
    from .io.outputset import OutputError, prepare_plain_dir
    from .monitor.synthetic import SampleError, write_sample_monitoring

    lang = _lang(lang)
    try:
        prepare_plain_dir(out_dir)
        files = write_sample_monitoring(history_path, out_dir, programme=programme, year=school_year,
                                        effect=None if effect == "none" else effect, seed=seed)
    except HistoryError as exc:
        history_error_exit(exc, lang)
    except SampleError as exc:
        click.echo(render(exc.code, exc.params, lang), err=True)
        sys.exit(2)
    except OutputError as exc:
        click.echo(exc.message(lang), err=True)
        sys.exit(4)
    except OSError as exc:
        click.echo(OutputError("output.write_failed", {"path": str(out_dir)}, exc).message(lang), err=True)
        sys.exit(4)
    click.echo(render("cli.sample_written", {"files": [str(f) for f in files]}, lang))


@monitor_group.command("report")
@HISTORY_OPTION
@click.option("--out", "out_dir", type=click.Path(), required=True,
              help="Directory for monitoring.html, the monitoring CSV files and suggested_config.toml "
                   "(replaced as one set).")
@year_options
@click.option("--headers", type=click.Choice(["en", "ru"]), default="en", show_default=True,
              help="Language of the CSV column headers.")
@click.option("--anonymize", is_flag=True, help="Initials instead of names (ids are kept).")
@LANG_OPTION
def monitor_report(history_path, out_dir, programme, school_year, headers, anonymize, lang):
    """Report a programme year's monitoring: effectiveness, attention, and which components predicted it."""
    from .history import HistoryError
    from .io.outputset import OutputError
    from .monitor.report import summary_lines, write_monitoring_report

    lang = _lang(lang)
    try:
        written = write_monitoring_report(history_path, out_dir, programme=programme, year=school_year, lang=lang,
                                          headers=headers, anonymize=anonymize)
    except HistoryError as exc:
        history_error_exit(exc, lang)
    except OutputError as exc:
        click.echo(exc.message(lang), err=True)
        sys.exit(4)
    for line in summary_lines(written, lang):
        click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    main()
