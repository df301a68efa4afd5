"""The repository stands alone: no tracked file names a place a user of it does not have.

Every text file git tracks is searched for pointers outside the repository: absolute paths on
the author's machine, files under the system's temporary folder (allowed only in tests that
use pytest's `tmp_path`), a `shared` folder of notes, notes known by the names they had while
the files were written, and tracker items by number. Sourced facts live in docs/sources.md,
and every anchor into it, written anywhere, must be one of its headings.

The patterns below are written so that their own source text does not match them, so this
file is scanned like every other.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = "docs/sources.md"

POINTERS = (
    (re.compile(r"(?<![\w.~%/-])/(?:work|home)/"), "an absolute path on the author's machine"),
    (re.compile(r"\bshared/"), "a shared folder outside the repository"),
    (re.compile(r"\breference\s+sheets?\b", re.IGNORECASE), "notes outside the repository"),
    (re.compile(r"\bpeer\s+notes\b", re.IGNORECASE), "notes outside the repository"),
    (re.compile(r"\bissues?\s*#?\d+", re.IGNORECASE), "a tracker item by number"),
    (re.compile(r"\bthe\s+issue\b", re.IGNORECASE), "a tracker item"),
)
TEMP_FILE = re.compile(r"(?<![\w.~%/-])/tm[p]/")
ANCHOR = re.compile(r"sources\.md#([\w-]+)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$")


def scan(path: str, text: str) -> list[str]:
    """Each line of one file that points outside the repository, as `path:line: what`."""
    temp_ok = path.startswith("tests/") and "tmp_path" in text
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        whats = [what for pattern, what in POINTERS if pattern.search(line)]
        if not temp_ok and TEMP_FILE.search(line):
            whats.append("a file under the temporary folder")
        found += [f"{path}:{number}: {what}: {line.strip()[:120]}" for what in whats]
    return found


def anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives a Markdown file's headings (code blocks are skipped)."""
    found: set[str] = set()
    fenced = False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif (match := HEADING.match(line)) and not fenced:
            slug = re.sub(r"[^\w\- ]", "", match.group(1).lower()).replace(" ", "-")
            found.add(slug)
    return found


def missing_anchors(path: str, text: str, have: set[str]) -> list[str]:
    """Each anchor into docs/sources.md in one file that is not a heading there."""
    own = r"\]\(#([\w-]+)\)" if path == SOURCES else r"(?!)"  # the page's links to itself
    return [
        f"{path}:{number}: no #{anchor} in {SOURCES}"
        for number, line in enumerate(text.splitlines(), start=1)
        for anchor in ANCHOR.findall(line) + re.findall(own, line)
        if anchor not in have
    ]


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git work tree: no list of tracked files")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    found = {}
    for path in filter(None, listed.stdout.decode().split("\0")):
        data = (ROOT / path).read_bytes() if (ROOT / path).is_file() else b"\0"
        if b"\0" not in data:
            found[path] = data.decode("utf-8", errors="replace")
    return found


def test_the_scan_reads_the_repository(texts: dict[str, str]) -> None:
    for path in ("README.md", "CHANGELOG.md", SOURCES, "scenarios/geneva.yaml", "bench/bench.py"):
        assert path in texts
    assert "tests/test_standalone.py" in texts


def test_no_tracked_file_points_outside_the_repository(texts: dict[str, str]) -> None:
    found = [line for path, text in texts.items() for line in scan(path, text)]
    assert not found, "\n".join(found)


def test_every_anchor_into_the_sources_page_exists(texts: dict[str, str]) -> None:
    have = anchors(texts[SOURCES])
    assert {"headline-rates", "34-never-applied-alone", "chinas-counter-tariffs"} <= have
    found = [line for path, text in texts.items() for line in missing_anchors(path, text, have)]
    assert not found, "\n".join(found)


# The checks can fail. Bad lines are assembled from pieces so that this file holds none.
WORK, TMP = "/wo" + "rk", "/t" + "mp"


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("scenarios/x.yaml", f"# Built from {WORK}/notes/us-china.md"),
        ("README.md", "See /ho" + "me/me/notes.md for the figures."),
        ("docs/x.md", "Rates as in " + "sha" + "red/reference/us-china-2025.md."),
        ("scenarios/x.yaml", "# (the reference " + "sheet, section 4)"),
        ("docs/economics.md", "The formula is in the peer " + "notes."),
        ("tests/test_x.py", "    # The " + "issue's acceptance figures"),
        ("tests/test_x.py", '"""Invariants (iss' + 'ue 3):"""'),
        ("CHANGELOG.md", "- Fixed, as Issue " + "#12 asked."),
        ("bench/x.py", f'OUT = "{TMP}/results.json"'),
        ("tests/test_x.py", f'OUT = "{TMP}/results.json"  # no temporary folder from pytest'),
    ],
)
def test_the_scan_finds_a_pointer(path: str, line: str) -> None:
    assert len(scan(path, f"x = 1\n{line}\n")) == 1
    assert scan(path, f"x = 1\n{line}\n")[0].startswith(f"{path}:2: ")


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("docs/x.md", "This is a known " + "issue with the data, and issues remain.\n"),
        ("docs/x.md", "An " + "issue of the Federal Register; the issues they raise.\n"),
        ("bench/x.py", "iss" + "ue = make(folder / 'steps-3000.yaml', 4)\n"),
        ("docs/x.md", "Another user's link in the sticky folder `" + TMP + "` is refused.\n"),
        ("docs/x.md", "<https://example.org" + WORK + "/page>, a link that merely contains it\n"),
        ("tests/test_x.py", f'def test(tmp_path):\n    assert "{TMP}/x" != str(tmp_path)\n'),
        ("docs/x.md", "Sourced facts are in docs/sources.md, shared by every file.\n"),
    ],
)
def test_the_scan_passes_ordinary_text(path: str, text: str) -> None:
    assert scan(path, text) == []


def test_the_anchor_check_finds_a_missing_anchor() -> None:
    page = "# Sources\n\n## China's counter-tariffs\n\n### 34% never applied alone\n```\n# x\n```\n"
    have = anchors(page)
    assert have == {"sources", "chinas-counter-tariffs", "34-never-applied-alone"}
    good = "# docs/sources.md#chinas-counter-tariffs, [here](sources.md#34-never-applied-alone)\n"
    assert missing_anchors("scenarios/x.yaml", good, have) == []
    bad = "x: 1\n# see docs/sources." + "md#no-such-section\n"
    assert missing_anchors("scenarios/x.yaml", bad, have) == [
        f"scenarios/x.yaml:2: no #no-such-section in {SOURCES}"
    ]
    assert missing_anchors(SOURCES, "[up](#sources) [gone](#" + "nowhere)\n", have) == [
        f"{SOURCES}:1: no #nowhere in {SOURCES}"
    ]
