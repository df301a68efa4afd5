"""`tariffs init`: a commented starting file that validates, and never over anything."""

from __future__ import annotations

import errno
import os
import shlex
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tariffs.cli import app, output
from tariffs.input.load import load

from .conftest import ROOT
from .test_schema_check import SCHEMA, check_jsonschema

EXAMPLES = ["geneva", "products", "minimal"]
TEMPLATES = ROOT / "src" / "tariffs" / "templates"


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), prog_name="tariffs", catch_exceptions=False)


@pytest.mark.parametrize("example", EXAMPLES)
def test_each_example_validates_checks_and_passes_check_jsonschema(
    example: str, tmp_path: Path
) -> None:
    target = tmp_path / f"{example}.yaml"
    done = run("init", "--example", example, str(target))
    assert (done.exit_code, done.stdout) == (0, "")
    assert done.stderr == (
        f"{target}: written from the {example} example; next: tariffs validate {target}\n"
    )
    text = target.read_text(encoding="utf-8")
    assert text == (TEMPLATES / f"{example}.yaml").read_text(encoding="utf-8")
    assert text.startswith("# A tariffs scenario file, written by `tariffs init")
    assert "# yaml-language-server: $schema=tariffs.schema.json\n" in text
    validated = run("validate", str(target))
    assert validated.exit_code == 0, validated.stderr
    assert validated.stdout.startswith(f"{target}: ok (")
    checked = run("check", str(target))
    assert checked.exit_code == 0, checked.stdout + checked.stderr
    assert checked.stdout.endswith(" passed, 0 failed\n")
    assert check_jsonschema(SCHEMA, target)["status"] == "ok"
    # As docs/format.md says: the schema saved beside the file, from wherever it is.
    (tmp_path / "tariffs.schema.json").write_text(run("schema").stdout, encoding="utf-8")
    beside = check_jsonschema(Path("tariffs.schema.json"), Path(target.name), cwd=tmp_path)
    assert beside["status"] == "ok"


def test_without_example_it_is_the_geneva_truce(tmp_path: Path) -> None:
    target = tmp_path / "truce.yaml"
    assert run("init", str(target)).exit_code == 0
    study = load(target)
    assert [s.name for s in study.scenarios] == ["no-deal", "geneva"]
    [window] = study.scenario("geneva").windows
    # 90 days from 14 May 2025: [14 May, 12 Aug).
    assert (window.name, window.start, window.until) == (
        "Geneva truce",
        date(2025, 5, 14),
        date(2025, 8, 12),
    )
    facts = {(e.scenario, e.flow, e.metric, e.on, e.bound.text) for e in study.expectations}
    # US 145% -> 30%, China 125% -> 10%, checked by `tariffs check` in the test above.
    assert {
        ("no-deal", "US:CN", "rate", date(2025, 6, 1), "145%"),
        ("geneva", "US:CN", "rate", date(2025, 6, 1), "30%"),
        ("no-deal", "CN:US", "rate", date(2025, 6, 1), "125%"),
        ("geneva", "CN:US", "rate", date(2025, 6, 1), "10%"),
    } <= facts


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("my work\n", encoding="utf-8")
    done = run("init", "--example", "minimal", str(mine))
    assert (done.exit_code, done.stdout) == (2, "")
    assert done.stderr == f"tariffs: refusing to overwrite {str(mine)!r}: it exists\n"
    assert mine.read_text(encoding="utf-8") == "my work\n"


@pytest.mark.parametrize("made", ["link to a file", "dangling link", "folder", "fifo"])
def test_links_folders_and_special_files_are_refused(made: str, tmp_path: Path) -> None:
    target = tmp_path / "new.yaml"
    mine = tmp_path / "mine.yaml"
    mine.write_text("my work\n", encoding="utf-8")
    what = {
        "link to a file": "a symbolic link",
        "dangling link": "a symbolic link",
        "folder": "a folder",
        "fifo": "a FIFO (named pipe)",
    }[made]
    if made == "link to a file":
        target.symlink_to(mine)
    elif made == "dangling link":
        target.symlink_to(tmp_path / "elsewhere.yaml")
    elif made == "folder":
        target.mkdir()
    else:
        os.mkfifo(target)
    before = sorted(p.name for p in tmp_path.iterdir())
    done = run("init", str(target))
    assert done.exit_code == 2
    assert done.stderr == f"tariffs: refusing to overwrite {str(target)!r}: it is {what}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert mine.read_text(encoding="utf-8") == "my work\n"


@pytest.mark.parametrize("given", ["foo/", "foo/.", "./", "foo/.."])
def test_a_folder_is_refused_with_a_file_name_to_give(
    given: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Path("foo/") is Path("foo"): a file named foo was written, not one in a folder foo.
    monkeypatch.chdir(tmp_path)
    done = run("init", given)
    assert done.exit_code == 2
    suggested = os.path.normpath(os.path.join(given, "geneva.yaml"))
    assert done.stderr.endswith(
        f"Error: Invalid value for FILE: {given!r} names a folder; give the new file's name, "
        f"such as {suggested!r}\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_dash_prints_the_template_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    done = run("init", "--example", "minimal", "-")
    assert (done.exit_code, done.stderr) == (0, "")
    assert done.stdout == (TEMPLATES / "minimal.yaml").read_text(encoding="utf-8")
    assert list(tmp_path.iterdir()) == []  # no file named '-'


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("-x.yaml", "./-x.yaml"),  # `tariffs validate -x.yaml` would be an option
        ("my file.yaml", "'my file.yaml'"),
        ("a$b;c.yaml", "'a$b;c.yaml'"),
        ("it's.yaml", "'it'\"'\"'s.yaml'"),
        ("plain-name.yaml", "plain-name.yaml"),
    ],
)
def test_the_suggested_command_reads_back_as_the_file(
    name: str, word: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    done = run("init", "--", name)
    assert done.exit_code == 0
    assert done.stderr == (
        f"{name}: written from the geneva example; next: tariffs validate {word}\n"
    )
    command = shlex.split(done.stderr.split("next: ", 1)[1])
    assert command[:2] == ["tariffs", "validate"]
    assert Path(command[2]).resolve() == (tmp_path / name).resolve()
    assert not command[2].startswith("-")


def test_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "no" / "new.yaml"
    done = run("init", str(target))
    assert done.exit_code == 2
    assert "folder" in done.stderr
    assert "does not exist" in done.stderr
    assert not (tmp_path / "no").exists()


def test_a_failed_write_leaves_no_half_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(text: output.Content) -> Iterable[bytes]:
        yield b"tariffs: 1\n"
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(output, "_pieces", disk_full)
    target = tmp_path / "new.yaml"
    done = run("init", str(target))
    assert done.exit_code == 74
    assert done.stderr == f"tariffs: cannot write {str(target)!r}: No space left on device\n"
    assert list(tmp_path.iterdir()) == []


def test_the_templates_are_in_the_wheel_and_init_works_from_it(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path / "dist")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = (tmp_path / "dist").glob("tariffs-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "site")
    assert {f"tariffs/templates/{name}.yaml" for name in EXAMPLES} <= set(names)
    # The unpacked wheel comes first on the path, before the editable source tree.
    script = (
        "import sys, tariffs; from tariffs.cli import app; "
        "print(tariffs.__file__, file=sys.stderr); "
        "app(['init', '-e', 'products', 'p.yaml'])"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(str(tmp_path / "site" / "tariffs" / "__init__.py"))
    assert (tmp_path / "p.yaml").read_bytes() == (TEMPLATES / "products.yaml").read_bytes()
