"""README documents every command, and every command and option has help text
(a command a curator cannot find in the docs does not exist for them)."""
from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from matcher.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(main.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme_commands_table(name):
    assert re.search(rf"^\| `matcher {re.escape(name)}\b", README, re.MULTILINE), \
        f"README's Commands table has no row for `matcher {name}`"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_and_option_has_help(name):
    command = main.commands[name]
    assert (command.help or "").strip(), f"`matcher {name}` has no help text"
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden :
            assert (param.help or "").strip(), \
                f"`matcher {name} {param.opts[0]}` has no help text"


def test_docs_cited_by_the_code_exist():
    root = Path(__file__).resolve().parents[1]
    cited = set()
    for path in list((root / "matcher").rglob("*.py")) + list((root / "tests").rglob("*.py")) + \
            [root / "matcher" / "default_config.toml"]:
        cited |= set(re.findall(r"docs/[\w./-]+\.md", path.read_text(encoding="utf-8")))
    for link in re.findall(r"\]\(((?:docs|benchmarks)/[^)#]+)\)", README):
        cited.add(link)
    missing = sorted(c for c in cited if not (root / c).exists())
    assert not missing, f"cited but missing: {missing}"


def test_every_markdown_file_the_code_and_docs_cite_is_in_the_repository():
    """A comment citing a design note the repository lacks sends the reader nowhere: every
    `*.md` named in code, tests, benchmarks, configuration, templates or docs must exist
    (from the repository root, the citing file's folder, or docs/)."""
    root = Path(__file__).resolve().parents[1]
    sources = [p for folder in ("matcher", "tests", "benchmarks", "docs") for p in (root / folder).rglob("*")
               if p.suffix in (".py", ".toml", ".md", ".j2", ".js", ".css", ".sh") and ".venv" not in p.parts]
    sources.append(root / "README.md")
    missing = []
    for path in sources:
        for name in sorted(set(re.findall(r"[\w./-]*\w\.md\b", path.read_text(encoding="utf-8")))):
            if not any((base / name).exists() for base in (root, path.parent, root / "docs")):
                missing.append(f"{path.relative_to(root)}: {name}")
    assert not missing, f"cited but not in the repository: {missing}"
