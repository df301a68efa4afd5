"""The layout: the README's module map matches the tree, and the calculation stays pure."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "tariffs"
# What the calculation may not import: the shell's libraries, formats, files, the environment.
# (The clock is `datetime.datetime`/`time`; `calc` takes dates as values and never asks.)
FORBIDDEN = {"typer", "rich", "yaml", "json", "os", "pathlib", "sys", "time", "io", "pydantic"}


def module_map() -> dict[str, set[str]]:
    """{package or '': modules} from the README's map: `name.py` lines and `pkg/` lines."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## How it is built", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    found: dict[str, set[str]] = {}
    package = ""
    for line in block.splitlines()[1:]:
        if m := re.match(r"  (\w+)\.py ", line):
            found.setdefault("", set()).add(m.group(1))
        elif m := re.match(r"  (\w+)/ +[^:]+: (.*)", line):
            package = m.group(1)
            found.setdefault(package, set()).update(m.group(2).split())
        elif line.startswith(" " * 15):  # continuation of the package above
            found[package].update(line.split())
    return found


def tree() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        if path.stem.startswith("__"):
            continue
        package = "" if path.parent == SRC else path.parent.name
        found.setdefault(package, set()).add(path.stem)
    return found


def test_the_readme_map_names_every_module_and_no_other() -> None:
    assert module_map() == tree()


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
            if node.module == "datetime":
                names.update(f"datetime.{a.name}" for a in node.names)
    return names


def test_the_calculation_imports_no_io_no_shell_and_no_clock() -> None:
    files = sorted((SRC / "calc").glob("*.py"))
    assert len(files) >= 10
    for path in files:
        bad = imports_of(path) & (FORBIDDEN | {"datetime.datetime"})
        assert not bad, f"{path.name} imports {sorted(bad)}"
        internal = {
            n.module
            for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("tariffs.")
        }
        upward = {m for m in internal if m.split(".")[1] in {"input", "render", "cli"}}
        assert not upward, f"{path.name} imports {sorted(upward)}"


def test_the_purity_check_would_catch_an_import(tmp_path: Path) -> None:
    # the checker itself: a module that imports json, or datetime's clock, is caught
    sample = tmp_path / "m.py"
    sample.write_text("import json\nfrom datetime import datetime, date\n", encoding="utf-8")
    assert {"json", "datetime.datetime"} <= imports_of(sample)


def test_no_dataclasses_one_kind_of_frozen_value() -> None:
    # the README's rule for types: frozen values are NamedTuples
    for path in SRC.rglob("*.py"):
        assert "dataclasses" not in imports_of(path), path
