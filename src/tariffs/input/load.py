"""Read a scenario file, validate it, and resolve it into a `Study`: the input pipeline's face.

Every user error becomes a `Problem` with the file, a 1-based line and column, and a
message. `load` raises `ScenarioError` with all problems of a file in line order.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import ValidationError

from tariffs import domain
from tariffs.domain import quoted
from tariffs.input import format as models
from tariffs.input.errors import from_pydantic
from tariffs.input.files import FileReader, Inputs, LinkRefused, folder_reader, followed, read_text
from tariffs.input.lines import Files
from tariffs.input.problems import Loc, Problem, ScenarioError, capped
from tariffs.input.resolve import resolve
from tariffs.input.yamlsource import Locator, YamlProblem, parse
from tariffs.limits import MAX_EXPECTATIONS


def _no_files(name: str) -> tuple[str, str]:
    raise ValueError(f"cannot read {quoted(name)} here: no folder to read it from")


def load(path: Path, *, inputs: Inputs | None = None) -> domain.Study:
    """Read, validate and resolve one scenario file (and the files it names).

    `inputs`, when given, records every file read, so that no output replaces one.
    """
    shown = os.fspath(path)
    try:
        real = followed(path)
    except LinkRefused as exc:
        raise ScenarioError([Problem(1, 1, f"{exc}; refusing to read it", shown)]) from None
    text = read_text(real, shown=shown, inputs=inputs, follow=False)
    return load_text(text, shown, folder_reader(path, inputs))


def load_text(text: str, path: str, read_file: FileReader = _no_files) -> domain.Study:
    """Validate and resolve scenario text; `path` is only used in messages."""
    try:
        return _load_text(text, path, read_file)
    except RecursionError:  # the parser's depth limits should stop this first
        raise ScenarioError([Problem(1, 1, "file is nested too deeply to process", path)]) from None
    except MemoryError:
        raise ScenarioError(
            [Problem(1, 1, "file needs too much memory to process", path)]
        ) from None


def _load_text(text: str, path: str, read_file: FileReader) -> domain.Study:
    try:
        data, root = parse(text)
    except YamlProblem as exc:
        raise ScenarioError([Problem(exc.line, exc.column, exc.message, path)]) from None
    if data is None:
        raise ScenarioError([Problem(1, 1, "file is empty; expected a scenario mapping", path)])
    where = Locator(root)
    if not isinstance(data, dict):
        line, column = where(())
        raise ScenarioError(
            [Problem(line, column, "the top level must be a mapping (key: value)", path)]
        )
    expect = data.get("expect")
    if isinstance(expect, list) and len(expect) > MAX_EXPECTATIONS:
        line, column = where(("expect",))
        message = (
            f"the file states {len(expect):,} expectations; a file may state at most "
            f"{MAX_EXPECTATIONS:,}"
        )
        raise ScenarioError([Problem(line, column, message, path)])
    try:
        parsed = models.ScenarioFile.model_validate(data)
    except ValidationError as exc:
        problems = [from_pydantic(error, where, path) for error in exc.errors(include_url=False)]
        raise ScenarioError(capped(sorted(set(problems)))) from None
    found: list[tuple[Loc, str]] = []
    other_files: list[Problem] = []
    study = resolve(parsed, found, where, Files(read_file, other_files))
    if found or other_files or study is None:
        unique = {Problem(*where(loc), message, path) for loc, message in found}
        raise ScenarioError(capped(sorted(unique)) + other_files)
    return study
