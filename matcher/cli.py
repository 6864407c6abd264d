"""Command-line interface: a thin click layer over the library.

Each command parses options, calls one library function and prints. Exit codes
(DESIGN.md): 0 done; 1 input rejected; 2 usage error; 3 no feasible assignment.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .i18n import default_lang, register, render

register({
    "cli.config_rejected": ("настройки отклонены:", "configuration rejected:"),
    "cli.input_rejected": ("входные данные отклонены: ошибок — {errors}, предупреждений — {warnings}",
                           "input rejected: {errors} error(s), {warnings} warning(s)"),
    "cli.input_ok": ("входные данные в порядке: ошибок нет, предупреждений — {warnings}",
                     "input is valid: no errors, {warnings} warning(s)"),
    "cli.no_input": ("укажите --participants или --mentors и --mentees",
                     "give --participants, or --mentors and --mentees"),
    "cli.sample_written": ("записаны файлы: {files}", "wrote: {files}"),
})

LANG_OPTION = click.option("--lang", type=click.Choice(["ru", "en"]), default=None,
                           help="Language of messages and reports (default: from the locale).")


def input_options(f):
    """Options every command that reads questionnaires shares."""
    f = click.option("--participants", "participants", type=click.Path(dir_okay=False),
                     help="One file (CSV or XLSX) with a role column, or a workbook with a "
                          "mentors sheet and a mentees sheet.")(f)
    f = click.option("--mentees", type=click.Path(dir_okay=False), help="Mentees' questionnaires (CSV or XLSX).")(f)
    f = click.option("--mentors", type=click.Path(dir_okay=False), help="Mentors' questionnaires (CSV or XLSX).")(f)
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


def load_input_or_exit(lang, config, mentors, mentees, participants, mapping, *, summary: bool = False):
    """Read and validate questionnaires; print every problem; exit 1 on any error."""
    from . import io

    if not participants and not (mentors and mentees):
        click.echo(render("cli.no_input", None, lang), err=True)
        sys.exit(2)
    ingest = io.load(mentors=mentors, mentees=mentees, participants=participants, mapping=mapping,
                     config=config)
    if summary:
        click.echo(io.render_summary(ingest, config, lang))
    _echo_problems(ingest.report, lang)
    n_err, n_warn = len(ingest.report.errors), len(ingest.report.warnings)
    if n_err:
        click.echo(render("cli.input_rejected", {"errors": n_err, "warnings": n_warn}, lang), err=True)
        sys.exit(1)
    return ingest


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="matcher")
def main():
    """Mentoring pairs and groups from mirror questionnaires: proven optimal, explained."""


@main.command()
@input_options
def validate(lang, config_path, mapping, mentors, mentees, participants):
    """Read and check questionnaires; print a summary and every problem (exit 1 on errors)."""
    lang = _lang(lang)
    config = load_config_or_exit(config_path, lang)
    ingest = load_input_or_exit(lang, config, mentors, mentees, participants, mapping, summary=True)
    click.echo(render("cli.input_ok", {"warnings": len(ingest.report.warnings)}, lang))


@main.command("config")
@click.option("--print-defaults", is_flag=True, help="Print the full default configuration, commented.")
@click.option("--check", "check_path", type=click.Path(dir_okay=False), help="Check a configuration file.")
@LANG_OPTION
def config_cmd(print_defaults, check_path, lang):
    """Show the default programme configuration or check one."""
    from .config import default_config_text

    lang = _lang(lang)
    if check_path:
        load_config_or_exit(check_path, lang)
        click.echo("OK")
        return
    click.echo(default_config_text(), nl=False)


@main.command()
@click.option("--mentees", "n_mentees", type=click.IntRange(1, 1_000_000), default=200, show_default=True,
              help="Number of mentees; mentors are about half as many.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@LANG_OPTION
def sample(n_mentees, seed, out_dir, fmt, lang):
    """Write a realistic synthetic school (deterministic by seed)."""
    from .sample import write_sample

    lang = _lang(lang)
    files = write_sample(Path(out_dir), n_mentees=n_mentees, seed=seed, fmt=fmt)
    click.echo(render("cli.sample_written", {"files": [str(f) for f in files]}, lang))


if __name__ == "__main__":  # pragma: no cover
    main()
