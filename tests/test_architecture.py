"""The package's imports run one way (docs/architecture.md, "Which way imports run"): no
module imports, even inside a function, one that imports it back, and the solver knows
nothing of the layers that read its answer."""
from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "matcher"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """Modules of the package that `path` imports anywhere in its body (function-level too)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            # `from . import x` names a module when x is one, else an attribute of `base`.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:  # an attribute or a submodule's parent
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(p) for p in paths}
    return {_module_name(p): _imports(p, modules) for p in paths}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the modules along it, or None. Importing a package runs its
    __init__, so `from .solve import x` counts as importing whatever solve/__init__ imports."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_the_package_has_no_import_cycle_even_through_function_level_imports():
    cycle = _cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_solver_imports_nothing_from_the_layers_that_read_its_answer():
    above = ("matcher.explain", "matcher.explain_text", "matcher.conflicts", "matcher.report", "matcher.results",
             "matcher.cli", "matcher.pipeline")
    graph = import_graph()
    wrong = sorted((m, t) for m, targets in graph.items() if m.startswith("matcher.solve")
                   for t in targets if t.startswith(above))
    assert not wrong, f"solve/ imports from above it: {wrong}"


# --- One run is one library call ---------------------------------------------------------------

def _sample(tmp_path):
    from click.testing import CliRunner

    from matcher.cli import main

    written = CliRunner().invoke(main, ["sample", "--mentees", "24", "--seed", "4", "--out", str(tmp_path / "in")])
    assert written.exit_code == 0, written.output
    return tmp_path / "in" / "mentors.csv", tmp_path / "in" / "mentees.csv"


def test_matcher_run_writes_the_same_output_set_as_the_match_command(tmp_path):
    from click.testing import CliRunner

    import matcher
    from matcher.cli import main

    mentors, mentees = _sample(tmp_path)
    ingest = matcher.load(mentors=str(mentors), mentees=str(mentees))
    done = matcher.run(ingest, matcher.load_config(), tmp_path / "lib", lang="ru")
    assert done.status == "OPTIMAL" and done.written and done.document["explanations"]
    cli = CliRunner().invoke(main, ["match", "--mentors", str(mentors), "--mentees", str(mentees),
                                    "--out", str(tmp_path / "cli"), "--lang", "ru", "-q"])
    assert cli.exit_code == 0, cli.output
    names = sorted(p.name for p in (tmp_path / "cli").iterdir())
    assert "report.html" in names and sorted(p.name for p in (tmp_path / "lib").iterdir()) == names
    for name in names:
        assert (tmp_path / "lib" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name


def test_matcher_run_with_clashing_locks_writes_nothing_and_explains_the_clash(tmp_path):
    import matcher
    from matcher.models import PairSpec

    mentors, mentees = _sample(tmp_path)
    ingest = matcher.load(mentors=str(mentors), mentees=str(mentees))
    mentee = next(p.id for p in ingest.participants if p.role == "mentee")
    two = [p.id for p in ingest.participants if p.role == "mentor"][:2]
    specs = [PairSpec(m, mentee, "lock", None, file="consilium.csv", row=k + 2) for k, m in enumerate(two)]
    done = matcher.run(ingest, matcher.load_config(), tmp_path / "out", pair_specs=specs)
    assert done.status == "INFEASIBLE" and not done.written
    assert not (tmp_path / "out").exists()
    assert all("minimal" in c and "items" in c for c in done.match.solution.conflict)


def test_the_readme_shows_the_run_call_and_the_report_from_python():
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    python = "\n".join(re.findall(r"```python\n(.*?)```", readme, re.DOTALL))
    assert "matcher.run(" in python and "write_report(" in python


def test_solve_reads_as_the_numbered_steps_its_docstring_lists():
    import inspect

    from matcher.solve import solve

    doc_steps = [int(n) for n in re.findall(r"^\s{4}(\d+)\. ", solve.__doc__, re.MULTILINE)]
    body_steps = [int(n) for n in re.findall(r"^\s+# (\d+)\. ", inspect.getsource(solve), re.MULTILINE)]
    assert doc_steps == list(range(1, len(doc_steps) + 1)) and len(doc_steps) > 5
    assert body_steps == doc_steps, "solve()'s body marks its steps in the docstring's order"


# --- a command loads what it needs -------------------------------------------------------

HEAVY = ("scipy", "ortools", "jinja2", "docx", "openpyxl", "python_calamine", "matcher.solve", "matcher.explain",
         "matcher.report", "matcher.config", "matcher.io.validate")


def _loaded_by(args: list[str], cwd) -> set[str]:
    """Which of HEAVY a `matcher` command has loaded by its end (a fresh interpreter)."""
    import subprocess
    import sys

    code = ("import sys\nfrom matcher.cli import main\n"
            f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True)
    return set(eval(out.stdout.strip().splitlines()[-1]))


def test_writing_a_sample_school_loads_neither_the_configuration_nor_validation_nor_the_solver(tmp_path):
    assert _loaded_by(["sample", "--mentees", "20", "--out", str(tmp_path / "school")], tmp_path) == set()


def test_validating_loads_no_solver_report_or_order_writers(tmp_path):
    from matcher.sample import write_sample

    mentees, mentors = write_sample(tmp_path, n_mentees=20, seed=1)
    loaded = _loaded_by(["validate", "--mentors", str(mentors), "--mentees", str(mentees)], tmp_path)
    assert loaded == {"matcher.config", "matcher.io.validate"}
