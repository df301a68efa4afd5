"""The recipes of docs/ci.md, run for real: the GitHub Actions workflow and the pre-commit hooks.

The workflow is read from docs/ci.md as written. Each `run` step (all but the install step,
since tariffs is installed already) runs under `bash -e -o pipefail`, as GitHub runs them, in
a scratch git repository holding the shipped scenarios. `uses:` steps are GitHub's own
actions and are not run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import ROOT, SCENARIOS
from .test_installed import TARIFFS

CI_DOC = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def recipe(name: str) -> Any:
    match = re.search(rf"<!-- recipe: {name} -->\n```yaml\n(.*?)```", CI_DOC, re.S)
    assert match, f"docs/ci.md lost its {name} recipe"
    return yaml.safe_load(match.group(1))


WORKFLOW = recipe("github-actions")
STEPS = [s for s in WORKFLOW["jobs"]["tariffs"]["steps"] if "run" in s]


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=ci", "-c", "user.email=ci@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def run_step(
    repo: Path, name: str, base: str = ""
) -> tuple[int, str, str]:  # (exit code, output, job summary)
    step = next(s for s in STEPS if s["name"] == name)
    summary = repo.parent / "summary.md"
    summary.write_text("", encoding="utf-8")
    if step.get("if") == "env.BASE_SHA != ''" and not base:
        return 0, "(skipped)", ""
    assert step.get("if") in {None, "env.BASE_SHA != ''"}, "a condition this test cannot run"
    env = {
        **os.environ,
        "PATH": f"{Path(TARIFFS).parent}{os.pathsep}{os.environ['PATH']}",
        "BASE_SHA": base,
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,  # a guard against hangs, not a speed check
        check=False,
    )
    return done.returncode, done.stdout + done.stderr, summary.read_text(encoding="utf-8")


def run_all(repo: Path, base: str = "") -> dict[str, tuple[int, str, str]]:
    return {s["name"]: run_step(repo, s["name"], base) for s in STEPS if "Install" not in s["name"]}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with the shipped scenarios and their results, committed by the recipe."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "scenarios", repo / "scenarios")  # with the CSV files they read
    git(repo, "init", "-q", "-b", "main")
    code, output, _ = run_step(repo, "Results are up to date")
    assert code == 1, output  # the first run writes results/, which are new: drift
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "scenarios and results")
    return repo


def edit(repo: Path, old: str, new: str) -> None:
    path = repo / "scenarios" / "geneva.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_workflow_steps_all_pass_on_the_shipped_scenarios(repo: Path) -> None:
    results = run_all(repo)
    assert {name: code for name, (code, _, _) in results.items()} == dict.fromkeys(results, 0)
    assert (repo / "tariffs-check.xml").exists()
    assert sorted(p.name for p in (repo / "results").iterdir()) == [
        "geneva.json",
        "products-2025.json",
        "scotus-2026.json",
        "world-2025.json",
        "world-2026.json",
    ]


def test_a_pull_request_gets_a_markdown_diff_in_the_summary(repo: Path) -> None:
    base = git(repo, "rev-parse", "HEAD").strip()
    edit(repo, "value: 143.5bn", "value: 150bn")
    shutil.copy(ROOT / "scenarios" / "geneva.yaml", repo / "scenarios" / "geneva-copy.yaml")
    assert run_step(repo, "Results are up to date")[0] == 1  # changed and new results
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "CN:US trade at 150bn; a new file")
    results = run_all(repo, base)
    assert {name: code for name, (code, _, _) in results.items()} == dict.fromkeys(results, 0)
    summary = results["Summarise changed scenarios"][2]
    assert summary.startswith("## Differences\n")
    assert "| flow | CN:US | value | 143.5bn | 150bn |" in summary
    assert "- **Old:** " + base + ":scenarios/geneva.yaml" in summary
    assert "## New scenario file: scenarios/geneva-copy.yaml" in summary


def test_drift_fails_the_job(repo: Path) -> None:
    edit(repo, "value: 143.5bn", "value: 150bn")
    git(repo, "commit", "-q", "-am", "forgot to regenerate the results")
    code, output, _ = run_step(repo, "Results are up to date")
    assert code == 1
    assert re.search(r'^-\s+"trade_value": 143500000000,$', output, re.M), output
    assert re.search(r'^\+\s+"trade_value": 150000000000,$', output, re.M), output


def test_a_broken_expectation_fails_the_job(repo: Path) -> None:
    edit(repo, "2025-04-10: 125%}", "2025-04-10: 145%}")
    code, output, _ = run_step(repo, "Check every expectation")
    assert code == 1
    assert "expected no-deal, US on CN, rate on 2025-06-01: 145%, got 165%" in output
    junit = (repo / "tariffs-check.xml").read_text(encoding="utf-8")
    # 63 expectations across scenarios/ (geneva 13, products-2025 12, scotus-2026 11,
    # world-2025 14, world-2026 13);
    # 4 fail: no-deal's rate on 1 June, no-deal's peak, and the no-deal and geneva averages
    assert '<testsuites name="tariffs check" tests="63" failures="4">' in junit


def test_an_invalid_scenario_fails_validation_and_the_summary(repo: Path) -> None:
    base = git(repo, "rev-parse", "HEAD").strip()
    edit(repo, "2025-04-10: 125%}", "2025-04-10: 125}")
    git(repo, "commit", "-q", "-am", "a bare number")
    code, output, _ = run_step(repo, "Validate every scenario")
    assert code == 1
    assert "scenarios/geneva.yaml:" in output
    assert "write percents with a % sign" in output
    assert run_step(repo, "Summarise changed scenarios", base)[0] != 0  # diff exits 2


# --- pre-commit ---------------------------------------------------------------------------

HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def test_the_documented_pre_commit_config_names_real_hooks() -> None:
    used = [h["id"] for repo in recipe("pre-commit")["repos"] for h in repo["hooks"]]
    assert used == [hook["id"] for hook in HOOKS]


@pytest.mark.parametrize("hook", HOOKS, ids=lambda h: h["id"])
def test_each_pre_commit_hook_runs_as_pre_commit_would(hook: dict[str, Any]) -> None:
    # pre-commit runs `entry` with the staged files that match `files` as arguments.
    assert hook["language"] == "python"  # installs this package, which provides the entry
    pattern = re.compile(hook["files"])
    staged = [str(p.relative_to(ROOT)) for p in SCENARIOS]
    assert all(pattern.search(path) for path in staged)
    assert not pattern.search("tests/corpus/empty.yaml")
    command, *args = hook["entry"].split()
    assert command == "tariffs"
    ok = subprocess.run([TARIFFS, *args, *staged], cwd=ROOT, capture_output=True, check=False)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run(
        [TARIFFS, *args, *staged, "tests/corpus/duplicate-key-top.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
    assert "tests/corpus/duplicate-key-top.yaml:10:1: duplicate key 'title'" in bad.stderr
