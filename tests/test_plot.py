"""tariffs.render.plot: charts as SVG or PNG bytes, the same bytes every time.

The example images of docs/charts.md are made by docs/images/make.py; the last tests check
that the committed files are what the script makes now.
"""

from __future__ import annotations

import hashlib
import json
import runpy
import subprocess
import sys
import xml.dom.minidom
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib as mpl
import pytest
from matplotlib import font_manager, get_data_path

from tariffs.calc.changes import input_changes, result_changes
from tariffs.calc.compare import compare, timelines
from tariffs.calc.results import Diff, DiffReport, StudyResult, TimelineResult, Tolerance
from tariffs.input.load import load
from tariffs.render import plot
from tariffs.render.flat import study_metrics

from .conftest import ROOT

GENEVA = "scenarios/geneva.yaml"
PRODUCTS = "scenarios/products-2025.yaml"
SCOTUS = "scenarios/scotus-2026.yaml"
EDITED = "tests/fixtures/geneva-145.yaml"
MAKE = ROOT / "docs" / "images" / "make.py"
IMAGES = ROOT / "docs" / "images"
KINDS = ("svg", "png")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@cache
def result(path: str) -> StudyResult:
    return compare(load(ROOT / path))


@cache
def timeline(path: str, scenarios: tuple[str, ...] = ()) -> TimelineResult:
    study = load(ROOT / path)
    return timelines(study, scenarios or (study.baseline,), study.flows)


def diff_report(old: str, new: str) -> DiffReport:
    """A DiffReport of two scenario files, built as `tariffs diff OLD NEW` builds it."""

    def side(path: str) -> Any:
        study = load(ROOT / path)
        return study, [(path, study_metrics(compare(study)))]

    (a_study, a_files), (b_study, b_files) = side(old), side(new)
    tolerance = Tolerance()
    found = Diff(input_changes(a_study, b_study), result_changes(a_files, b_files, tolerance))
    return DiffReport(old, new, tolerance, found)


DAYS = [Decimal(n) for n in (30, 60, 90, 180, 365)]
RATES = [Decimal(n) for n in ("10", "20", "34")]


def saved(rate: Decimal, days: Decimal) -> Decimal:
    return Decimal("438.9e9") * rate / 100 * days / 365


def sweep_line(kind: str) -> bytes:
    values: list[Decimal | None] = [saved(Decimal(24), d) for d in DAYS]
    values[2] = None  # an invalid variant: a gap
    return plot.sweep_chart(
        "Saved by window length",
        ["Window (days)"],
        [DAYS],
        "Static duties saved",
        "USD",
        values,
        "Source: scenarios/geneva.yaml; sweep of the Geneva window",
        kind,
    )


def heat_map(kind: str) -> bytes:
    values: list[Decimal | None] = [saved(r, d) for r in RATES for d in DAYS]
    values[6] = None  # row 1 (20%), column 1 (60 days)
    return plot.sweep_chart(
        "Saved by snapback rate and window length",
        ["Snapback rate (%)", "Window (days)"],
        [RATES, DAYS],
        "Static duties saved",
        "USD",
        values,
        "Source: scenarios/geneva.yaml; sweep of the Geneva window",
        kind,
    )


CHARTS: dict[str, Callable[[str], bytes]] = {
    "compare-geneva": lambda kind: plot.compare_chart([(GENEVA, result(GENEVA))], kind),
    "compare-products": lambda kind: plot.compare_chart([(PRODUCTS, result(PRODUCTS))], kind),
    "compare-two-files": lambda kind: plot.compare_chart(
        [(GENEVA, result(GENEVA)), (SCOTUS, result(SCOTUS))], kind
    ),
    "timeline-geneva": lambda kind: plot.timeline_chart(GENEVA, timeline(GENEVA), kind),
    "timeline-products": lambda kind: plot.timeline_chart(
        PRODUCTS, timeline(PRODUCTS, ("no-deal", "busan")), kind
    ),
    "diff-geneva-145": lambda kind: plot.diff_chart(diff_report(GENEVA, EDITED), kind),
    "sweep-line": sweep_line,
    "heat-map": heat_map,
}


@cache
def chart(name: str, kind: str) -> bytes:
    return CHARTS[name](kind)


def svg_text(data: bytes) -> str:
    """The SVG as text, after checking that it is well-formed XML."""
    xml.dom.minidom.parseString(data)  # noqa: S318 - our own output
    return data.decode("utf-8")


# --- every chart, in both formats -----------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", sorted(CHARTS))
def test_each_chart_is_an_image(name: str, kind: str) -> None:
    data = chart(name, kind)
    if kind == "png":
        assert data.startswith(PNG_SIGNATURE)
    else:
        assert data.startswith(b"<?xml")
        svg_text(data)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ["compare-products", "diff-geneva-145", "heat-map"])
def test_a_second_call_gives_the_same_bytes(name: str, kind: str) -> None:
    assert CHARTS[name](kind) == chart(name, kind), f"{name}.{kind} differs between two calls"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "compare-geneva",
            [
                "US-China tariffs in 2025: escalation, the Geneva truce and its extensions",
                "Source: scenarios/geneva.yaml. Scenarios: no-deal (baseline), geneva, extended, "
                "busan.",
                "US on CN: total tariff rate by scenario",
                "Geneva truce",
                "First extension",
                "Busan truce",
                "Tariff rate (%)",
                "Date",
                "Rates on 2025-06-01",
            ],
        ),
        (
            "compare-products",
            [
                "US on CN under no-deal (baseline): effective rate by layer, import-weighted",
                "us-reciprocal",
                "Effective rate",
            ],
        ),
        (
            "compare-two-files",
            ["Source: scenarios/geneva.yaml.", "Source: scenarios/scotus-2026.yaml."],
        ),
        (
            "timeline-products",
            ["US on CN under busan", "us-fentanyl", "Total", "Scenarios: no-deal, busan."],
        ),
        (
            "diff-geneva-145",
            [
                "What changed in the results",
                "Old: scenarios/geneva.yaml. New: tests/fixtures/geneva-145.yaml.",
                "no-deal \u00b7 US on CN \u00b7 Peak",
                "+20.0 pp",
                "+64.0",
                "Change (percentage points)",
                "Change (USD bn)",
            ],
        ),
        ("sweep-line", ["Static duties saved (USD bn)", "Invalid variant (no value)"]),
        ("heat-map", ["Snapback rate (%)", "Window (days)", "Invalid variant (no value)"]),
    ],
)
def test_svg_holds_its_titles_labels_and_caption(name: str, expected: list[str]) -> None:
    # With svg.fonttype 'path', text is drawn as glyphs and written once more as a comment.
    text = " ".join(svg_text(chart(name, "svg")).split())  # caption lines joined
    missing = [item for item in expected if item not in text]
    assert not missing


def test_svg_names_its_title_and_carries_no_date_or_software() -> None:
    text = svg_text(chart("compare-geneva", "svg"))
    assert "<title>US-China tariffs in 2025: escalation" in text
    assert "<dc:date>" not in text
    assert "Matplotlib v" not in text
    assert "<dc:creator>" not in text


def test_png_carries_no_text_or_time_chunks() -> None:
    data = chart("compare-geneva", "png")
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"tIME"):
        assert chunk not in data


def test_the_bundled_font_is_the_one_used() -> None:
    # The bytes depend on the font: matplotlib's own DejaVu Sans must win over any copy
    # installed on the system.
    for weight in ("normal", "bold"):
        found = font_manager.findfont(
            font_manager.FontProperties(family="DejaVu Sans", weight=weight)
        )
        assert Path(found).is_relative_to(Path(get_data_path()))


def test_global_matplotlib_state_is_left_alone() -> None:
    # The settings as stored: reading rcParams["backend"] through the mapping would pick a
    # backend, and import pyplot to do it.
    before = dict(dict.items(mpl.rcParams))
    CHARTS["compare-geneva"]("svg")
    CHARTS["heat-map"]("png")
    assert dict(dict.items(mpl.rcParams)) == before
    assert "matplotlib.pyplot" not in sys.modules


@pytest.mark.parametrize("kind", ["pdf", "SVG", "", "png "])
def test_an_unknown_kind_is_a_value_error(kind: str) -> None:
    with pytest.raises(ValueError, match="unknown image kind"):
        plot.compare_chart([(GENEVA, result(GENEVA))], kind)
    with pytest.raises(ValueError, match="unknown image kind"):
        sweep_line(kind)


# --- determinism across processes --------------------------------------------------------

_DIGESTS = """
import hashlib, json, runpy, sys
charts = runpy.run_path(sys.argv[1])["charts"]
print(json.dumps({name: hashlib.sha256(data).hexdigest() for name, data in charts("png").items()}))
"""


def test_another_process_makes_the_same_png_bytes(tmp_path: Path) -> None:
    # Another process, with a hostile matplotlibrc: the charts start from matplotlib's own
    # defaults, so the user's settings change nothing.
    rc = tmp_path / "matplotlibrc"
    rc.write_text("font.size: 20\nlines.linewidth: 5\naxes.facecolor: red\nsvg.hashsalt: x\n")
    env = {"MATPLOTLIBRC": str(rc), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())}
    done = subprocess.run(
        [sys.executable, "-c", _DIGESTS, str(MAKE)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=tmp_path,
    )
    theirs = json.loads(done.stdout)
    ours = {
        name: hashlib.sha256(data).hexdigest()
        for name, data in runpy.run_path(str(MAKE))["charts"]("png").items()
    }
    assert theirs == ours


# --- the module's import and a missing matplotlib ----------------------------------------


def test_importing_the_module_does_not_import_matplotlib() -> None:
    probe = (
        "import sys, tariffs.render.plot\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'matplotlib', 'numpy'}))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_without_matplotlib_a_chart_raises_plot_unavailable() -> None:
    probe = (
        "import sys\n"
        "sys.modules['matplotlib'] = None  # as if it were not installed\n"
        "from decimal import Decimal\n"
        "from tariffs.render.plot import PlotUnavailable, sweep_chart\n"
        "try:\n"
        "    sweep_chart('t', ['p'], [[Decimal(1)]], 'm', 'USD', [Decimal(1)], 'c', 'svg')\n"
        "except PlotUnavailable as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout == "--plot needs matplotlib: pip install 'tariffs[plot]'\n"


# --- text from files ------------------------------------------------------------------

HOSTILE = "$x^2$ \x1b[31m red \u202e \u4e2d $\\frac{1}{0}$ " + "W" * 5000


def hostile_result() -> StudyResult:
    base = result(GENEVA)
    scenarios = tuple(
        s._replace(
            name=f"{HOSTILE}{i}",
            windows=tuple(w._replace(window=HOSTILE) for w in s.windows),
        )
        for i, s in enumerate(base.scenarios)
    )
    return base._replace(title=HOSTILE, baseline=scenarios[0].name, scenarios=scenarios)


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_text_is_escaped_cut_and_never_mathtext(kind: str) -> None:
    path = "dir/$HOME\x1b/" + "p" * 3000 + ".yaml"
    data = plot.compare_chart([(path, hostile_result())], kind)
    assert plot.compare_chart([(path, hostile_result())], kind) == data
    if kind == "png":
        return
    text = svg_text(data)
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert "$x^2$ \\x1b[31m red \\u202e \\u4e2d $\\frac{1}{0}$ WWW" in text  # drawn as written
    assert "W" * 200 not in text  # cut ...
    assert "\u2026" in text  # ... with an ellipsis
    assert "p" * 200 not in text
    assert ".yaml" in text  # a long path keeps its file name


def test_hostile_text_in_the_other_charts() -> None:
    timeline_result = timeline(GENEVA)
    evil = timeline_result._replace(
        title=HOSTILE,
        entries=tuple(e._replace(scenario=HOSTILE) for e in timeline_result.entries),
    )
    plain = diff_report(GENEVA, EDITED)
    changes = tuple(
        c._replace(file=HOSTILE, scenario=HOSTILE, item=HOSTILE if c.item else "", unit="$")
        if c.unit not in {"percent", "pp"}
        else c._replace(file="\x1b", scenario=HOSTILE)
        for c in plain.diff.results
    )
    report = DiffReport(HOSTILE, "\x1b" + HOSTILE, plain.tolerance, Diff(None, changes))
    texts = [
        svg_text(plot.timeline_chart(HOSTILE, evil, "svg")),
        svg_text(plot.diff_chart(report, "svg")),
        svg_text(
            plot.sweep_chart(
                HOSTILE, [HOSTILE], [DAYS], HOSTILE, "$", [Decimal(1)] * 5, HOSTILE, "svg"
            )
        ),
        svg_text(
            plot.sweep_chart(
                HOSTILE,
                [HOSTILE, "\x00"],
                [RATES, DAYS],
                HOSTILE,
                "\u202e",
                [None] * 15,
                HOSTILE,
                "svg",
            )
        ),
    ]
    for text in texts:
        assert "\x1b" not in text
        assert "\u202e" not in text
        assert "\\x1b" in text
        assert "W" * 300 not in text


# --- sweeps -----------------------------------------------------------------------------


def test_sweep_shapes_are_checked() -> None:
    args: dict[str, Any] = {"metric": "m", "unit": "USD", "caption": "c", "kind": "svg"}
    with pytest.raises(ValueError, match="one or two"):
        plot.sweep_chart("t", [], [], values=[], **args)
    with pytest.raises(ValueError, match="one or two"):
        plot.sweep_chart("t", ["a", "b", "c"], [DAYS] * 3, values=[], **args)
    with pytest.raises(ValueError, match="one entry per combination"):
        plot.sweep_chart("t", ["a", "b"], [RATES, DAYS], values=[Decimal(1)] * 14, **args)
    with pytest.raises(ValueError, match="at least one value"):
        plot.sweep_chart("t", ["a"], [[]], values=[], **args)
    with pytest.raises(ValueError, match="finite numbers"):
        plot.sweep_chart("t", ["a"], [[Decimal("NaN")]], values=[Decimal(1)], **args)


def test_heat_map_marks_the_invalid_cell_and_labels_the_others() -> None:
    text = svg_text(chart("heat-map", "svg"))
    assert "Invalid variant (no value)" in text
    assert "Static duties saved (USD bn)" in text  # the colour bar's label
    # each valid cell shows its value in USD bn: 10% for 30 days is 438.9bn x 0.1 x 30 / 365
    # = 3.6074bn; 10% for a year 43.89bn; 34% for a year 149.226bn
    for label in ("3.61", "43.9", "149"):
        assert f"<!-- {label} -->" in text
    # the invalid cell (20%, 60 days: 14.4296bn) shows no value
    assert "<!-- 14.4 -->" not in text
    assert "<!-- 7.21 -->" in text  # its neighbour, 20% for 30 days


def test_heat_map_without_any_value_draws_only_hatched_cells() -> None:
    data = plot.sweep_chart("t", ["a", "b"], [RATES, DAYS], "m", "USD", [None] * 15, "c", "svg")
    assert "Invalid variant (no value)" in svg_text(data)


def test_a_diff_without_headline_changes_says_so() -> None:
    text = svg_text(plot.diff_chart(diff_report(GENEVA, GENEVA), "svg"))
    assert "No headline result changed" in text


# --- the images of docs/charts.md --------------------------------------------------------


def test_docs_images_are_what_make_py_makes(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(MAKE), str(tmp_path)], check=True, capture_output=True)
    made = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in IMAGES.glob("*.svg"))
    assert made == committed, "docs/images/*.svg: run `python docs/images/make.py`"
    stale = [
        name for name in made if (tmp_path / name).read_bytes() != (IMAGES / name).read_bytes()
    ]
    assert not stale, (
        f"docs/images/{', '.join(stale)} differ from what the code draws now: run "
        "`python docs/images/make.py`, look at the images, and commit them"
    )


def test_docs_show_each_image() -> None:
    # docs/charts.md shows the examples, docs/economics.md the world file's daily total
    docs = "".join(page.read_text(encoding="utf-8") for page in (ROOT / "docs").glob("*.md"))
    for image in IMAGES.glob("*.svg"):
        assert f"(images/{image.name})" in docs, image.name


# --- --plot on the command line ---------------------------------------------------------------


def _cli(*args: str) -> Any:
    from typer.testing import CliRunner  # noqa: PLC0415

    from tariffs.cli import app  # noqa: PLC0415

    return CliRunner().invoke(app, list(args), prog_name="tariffs", catch_exceptions=False)


@pytest.mark.parametrize(
    "args",
    [
        ["compare", GENEVA],
        ["timeline", GENEVA, "-s", "busan"],
        ["diff", GENEVA, EDITED],
        ["compare", "scenarios/products-2025.yaml"],
        ["sweep", GENEVA, "--sweep", "truce-length", "-f", "csv"],
        [
            "sweep",
            GENEVA,
            "-s",
            "extended",
            "--vary",
            "window:Geneva truce.days=80..100/10",
            "--vary",
            "window:First extension.until=2025-11-01..2025-11-10/9",
            "-m",
            "saved",
        ],
    ],
    ids=["compare", "timeline", "diff", "products", "sweep-line", "sweep-heat-map"],
)
def test_plot_writes_the_same_chart_twice_beside_the_output(
    tmp_path: Path, args: list[str]
) -> None:
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    one = _cli(*args, "--plot", str(first))
    two = _cli(*args, "--plot", str(second))
    assert one.exit_code in {0, 1}  # diff: 1, there are differences
    assert one.stdout == two.stdout
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes().startswith(b"<?xml")
    png = tmp_path / "c.png"
    assert _cli(*args, "--plot", str(png)).exit_code in {0, 1}
    assert png.read_bytes().startswith(b"\x89PNG")


def test_plot_without_matplotlib_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib fails
    result = _cli("compare", GENEVA, "--plot", str(tmp_path / "x.svg"))
    assert result.exit_code == 2
    assert result.stderr == "tariffs: --plot needs matplotlib: pip install 'tariffs[plot]'\n"
    assert not (tmp_path / "x.svg").exists()


def test_plot_needs_svg_or_png_and_never_replaces_an_input(tmp_path: Path) -> None:
    result = _cli("compare", GENEVA, "--plot", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2
    assert "a chart is written as .svg or .png, not .pdf" in result.stderr
    copy = tmp_path / "geneva.svg"
    copy.write_bytes((ROOT / GENEVA).read_bytes())  # a scenario file named .svg
    result = _cli("compare", str(copy), "--plot", str(copy))
    assert result.exit_code == 2
    assert "refusing to overwrite the input file" in result.stderr


@pytest.mark.parametrize(
    "args", [["--help"], ["compare", GENEVA], ["compare", GENEVA, "-f", "json"]]
)
def test_without_plot_matplotlib_is_never_imported(args: list[str]) -> None:
    probe = (
        "import sys\nfrom tariffs.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('matplotlib' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stderr.strip().endswith("False")
