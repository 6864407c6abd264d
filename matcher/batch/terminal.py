"""The batch on the terminal: a progress bar with the time left, redrawn in place on a
terminal (on anything else, a log or a pipe, one plain line per programme), and the closing
summary: the counts, then each programme not done with its problems."""
from __future__ import annotations

import time

from ..i18n import number, register, render
from .runner import Progress

register({
    "batch.progress.start": ("программ: {total}; без изменений с прошлого запуска: {reused}; к запуску: {left}",
                             "programmes: {total}; unchanged since the last run: {reused}; to run: {left}"),
    "batch.progress.bar": ("{done}/{total} · {elapsed} · осталось ≈{eta}", "{done}/{total} · {elapsed} · ETA {eta}"),
    "batch.progress.failed": (" · не выполнено: {failed}", " · not done: {failed}"),
    "batch.progress.line": ("[{done}/{total}] {name}: {status} ({seconds} с); осталось ≈{eta}",
                            "[{done}/{total}] {name}: {status} ({seconds} s); ETA {eta}"),
})

BAR_WIDTH = 24
REDRAW_EVERY = 0.2  # seconds between redraws of the bar


def clock(seconds: float | None) -> str:
    """m:ss, or h:mm:ss past an hour; '?' when not known yet."""
    if seconds is None:
        return "?"
    s = int(round(seconds))
    h, m = divmod(s // 60, 60)
    return f"{h}:{m:02d}:{s % 60:02d}" if h else f"{m}:{s % 60:02d}"


class ProgressDisplay:
    """Call with each Progress; `close()` ends the bar's line."""

    def __init__(self, stream, lang: str, tty: bool | None = None):
        self.stream, self.lang = stream, lang
        self.tty = stream.isatty() if tty is None else tty
        self._drawn = 0.0
        self._open = False

    def __call__(self, p: Progress) -> None:
        if p.record is None:  # the start: what is to run
            self._write(render("batch.progress.start", {"total": p.total, "reused": p.reused,
                                                        "left": p.total - p.reused}, self.lang) + "\n")
            return
        if not self.tty:
            record = p.record
            self._write(render("batch.progress.line", {
                "done": p.done, "total": p.total, "name": record["name"], "eta": clock(p.eta),
                "status": render(f"batch.status.{record['status']}", None, self.lang),
                "seconds": number(record["seconds"], self.lang, 1)}, self.lang) + "\n")
            return
        now = time.monotonic()
        if p.done < p.total and now - self._drawn < REDRAW_EVERY:
            return
        self._drawn = now
        filled = BAR_WIDTH * p.done // max(1, p.total)
        text = "[" + "█" * filled + "░" * (BAR_WIDTH - filled) + "] " + render("batch.progress.bar", {
            "done": p.done, "total": p.total, "elapsed": clock(p.elapsed), "eta": clock(p.eta)}, self.lang)
        if p.failed:
            text += render("batch.progress.failed", {"failed": p.failed}, self.lang)
        self._write("\r" + text + "\x1b[K")
        self._open = True

    def close(self) -> None:
        if self._open:
            self._write("\n")
            self._open = False

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


register({
    "batch.done.counts": ("Программ: {total}; выполнено: {done}; не выполнено: {failed}; без изменений с прошлого "
                          "запуска (не запускались): {reused}",
                          "Programmes: {total}; done: {done}; not done: {failed}; unchanged since the last run (not "
                          "run again): {reused}"),
    "batch.done.paired": ("Наставляемых с парой: {matched} из {mentees} ({rate})",
                          "Mentees paired: {matched} of {mentees} ({rate})"),
    "batch.done.not_done": ("Не выполнены:", "Not done:"),
    "batch.done.more_programmes": ("… и ещё {count} {count:plural:программа|программы|программ}: см. summary.csv",
                                   "… and {count} more {count:plural:programme|programmes}: see summary.csv"),
    "batch.done.files": ("Сводка: {html} и {csv}; время: {seconds} с",
                         "Summary: {html} and {csv}; time: {seconds} s"),
})

LISTED_PROGRAMMES = 50  # not-done programmes listed on the terminal; summary.csv has them all
LISTED_LINES = 10  # problem lines per programme on the terminal


def closing_lines(result, lang: str) -> list[str]:
    """What the batch did, in a few lines, then each programme not done with its problems."""
    from ..report import fmt_share
    from .summary import problem_lines
    from .worker import DONE

    done = [r for r in result.records if r["status"] in DONE]
    failed = result.failed
    matched = sum(r["numbers"].get("matched", 0) for r in done)
    mentees = sum(r["numbers"].get("mentees", 0) for r in done)
    lines = [render("batch.done.counts", {"total": len(result.records), "done": len(done), "reused": result.reused,
                                          "failed": len(failed)}, lang),
             render("batch.done.paired", {"matched": matched, "mentees": mentees,
                                          "rate": fmt_share(matched, mentees, lang)}, lang)]
    if failed:
        lines.append(render("batch.done.not_done", None, lang))
        for entry in failed[:LISTED_PROGRAMMES]:
            lines.append(f"  {entry['name']}: " + render(f"batch.status.{entry['status']}", None, lang))
            lines += ["    " + line for line in problem_lines(entry, lang, LISTED_LINES)]
        if len(failed) > LISTED_PROGRAMMES:
            lines.append("  " + render("batch.done.more_programmes", {"count": len(failed) - LISTED_PROGRAMMES}, lang))
    if result.problems:
        lines.append(render("batch.page.batch_problems", None, lang) + ":")
        lines += ["  " + line for line in result.problems]
    lines.append(render("batch.done.files", {"html": str(result.files["summary.html"]),
                                             "csv": str(result.files["summary.csv"]),
                                             "seconds": number(result.seconds, lang, 1)}, lang))
    return lines
