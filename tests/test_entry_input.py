"""Reading entry files: the columns and their aliases, every refusal at its row and column,
spreadsheets (.xlsx), the fee and interest tables, and in-transit clauses in scenario files."""

from __future__ import annotations

import builtins
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl  # the xlsx extra, in the test extra
import pytest
from typer.testing import CliRunner

from tariffs.cli import app
from tariffs.customs import MAIL, VESSEL
from tariffs.input.entries import column_of, entries_from_text
from tariffs.input.load import load_text
from tariffs.input.problems import ScenarioError
from tariffs.input.tables import FEE_COLUMNS, fee_years, interest_quarters

from .test_entry import FIXTURES, LAW_2026, entries, run, write

D = Decimal


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        entries_from_text(text, "e.csv")
    return [str(p) for p in caught.value.problems]


HEADER = "entry,line,entry_date,mode,hts,origin,value"


def test_the_columns_of_cbp_s_reports_are_aliases() -> None:
    text = (
        "Entry Number,Line Number,Entry Date,Mode of Transportation,HTS Number,"
        "Country of Origin,Entered Value,Duty Amount,SPI,Importer Name\n"
        'EN1-1234567-8,1,04/01/2025,11,7326.90.8688,CN,"$12,345.67",1234.56,S,ACME\n'
    )
    found = entries_from_text(text, "e.csv")
    [line] = found.lines
    assert line.entry == "EN1-1234567-8"
    assert line.entry_date == date(2025, 4, 1)  # MM/DD/YYYY, as CBP's reports write it
    assert line.mode == VESSEL  # code 11: vessel, container
    assert (line.hts, line.hts_text) == ("7326908688", "7326.90.8688")
    assert line.value == D("12345.67")
    assert line.paid_duty == D("1234.56")
    assert line.program == "S"
    assert found.ignored == ("Importer Name",)  # read as a warning, not an error


def test_the_columns_not_read_are_listed_in_the_output(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER},Importer Name\nA,1,2026-03-02,vessel,6110.20.2010,CN,100,X\n")
    assert run(LAW_2026, path)["ignored_columns"] == ["Importer Name"]
    table = CliRunner().invoke(app, ["entry", LAW_2026, path])
    assert "Not read:  the columns 'Importer Name'" in table.stdout


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("entry", "entry"),
        ("Entry Summary Number", "entry"),
        ("  entry_summary_line_number ", "line"),
        ("HTSUS Number", "hts"),
        ("share:steel", "share:steel"),
        ("Share: US-content", "share:US-content"),
        ("Importer", None),
    ],
)
def test_headers_are_compared_without_case_or_punctuation(header: str, column: str | None) -> None:
    assert column_of(header) == column


def test_chapter_99_rows_give_what_was_paid_under_each_heading() -> None:
    text = (
        f"{HEADER},paid_duty\nE,1,2025-05-20,vessel,6110.20.2010,CN,100,16.50\n"
        "E,1,,,9903.01.24,,,20.00\nE,1,,,9903.01.25,,,10.00\n"
    )
    [line] = entries_from_text(text, "e.csv").lines
    assert line.paid_duty == D("16.50")
    assert line.paid_headings == (("9903.01.24", D("20.00")), ("9903.01.25", D("10.00")))


def test_lines_are_grouped_by_entry_and_ordered_by_number() -> None:
    text = (
        f"{HEADER}\nB,2,2025-05-20,air,85,CN,1\nA,1,2025-05-20,air,85,CN,1\n"
        "B,1,2025-05-20,air,85,CN,1\n"
    )
    found = entries_from_text(text, "e.csv")
    assert [(x.entry, x.line) for x in found.lines] == [("B", 1), ("B", 2), ("A", 1)]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "E,1,2025-02-30,air,85,CN,1",
            "e.csv:2:3: entry_date: '2025-02-30' is not a calendar date",
        ),
        (
            "E,1,13/01/2025,air,85,CN,1",
            "e.csv:2:3: entry_date: '13/01/2025' is not a calendar date",
        ),
        ("E,1,2025-05-20,boat,85,CN,1", "e.csv:2:4: mode: 'boat' is not a mode of transport"),
        ("E,1,2025-05-20,air,8,CN,1", "e.csv:2:5: hts: '8' is not an HS code"),
        ("E,1,2025-05-20,air,85x,CN,1", "e.csv:2:5: hts: '85x' is not an HS code"),
        ("E,1,2025-05-20,air,85,cn,1", "e.csv:2:6: origin: 'cn' is not a country of origin"),
        ("E,1,2025-05-20,air,85,CN,12.345", "e.csv:2:7: value: '12.345' is not an amount"),
        ("E,1,2025-05-20,air,85,CN,-5", "e.csv:2:7: value: '-5' is not an amount"),
        ("E,1,2025-05-20,air,85,CN,1e9", "e.csv:2:7: value: '1e9' is not an amount"),
        ("E,0,2025-05-20,air,85,CN,1", "e.csv:2:2: line: '0' is not a line number"),
        ("E,1,2025-05-20,air,85,CN", "e.csv:2:1: expected 7 cells, found 6"),
        ("E,1,2025-05-20,air,,CN,1", "e.csv:2:1: an entry line needs hts"),
        (
            "E,1,2025-05-20,air,85,CN,9999999999999",
            "e.csv:2:7: value: '9999999999999' is over a trillion dollars",
        ),
    ],
)
def test_each_bad_cell_is_refused_at_its_row_and_column(row: str, message: str) -> None:
    found = problems(f"{HEADER}\n{row}\n")
    assert len(found) == 1
    assert found[0].startswith(message)


def test_the_entry_s_columns_agree_on_its_lines() -> None:
    found = problems(f"{HEADER}\nE,1,2025-05-20,air,85,CN,1\nE,2,2025-05-21,air,85,CN,1\n")
    assert found == [
        "e.csv:3:3: entry E: entry_date is '2025-05-21' here but '2025-05-20' on row 2; it "
        "is the entry's, alike on all its lines"
    ]


def test_a_line_twice_and_a_chapter_99_row_without_goods_are_refused() -> None:
    found = problems(
        f"{HEADER},paid_duty\nE,1,2025-05-20,air,85,CN,1,\nE,1,2025-05-20,air,85,CN,1,\n"
        "E,2,,,9903.01.24,,,5\n"
    )
    assert found == [
        "e.csv:3:2: entry E has line 1 twice (also on row 2)",
        "e.csv:4:2: a Chapter 99 row of entry E line 2, which has no line of goods (a row with "
        "its HTS code, origin and value)",
    ]


def test_a_specific_rate_needs_its_quantity_in_its_unit() -> None:
    base = f"{HEADER},quantity,unit,mfn\nE,1,2025-05-20,air,2204,CN,10"
    assert problems(f"{base},,,$1.055/kg\n") == [
        "e.csv:2:10: mfn: the rate $1.055/kg is per kg, so the line needs a quantity in kg; "
        "a specific duty is never taken as 0"
    ]
    assert problems(f"{base},5,l,$1.055/kg\n")[0].endswith("but the quantity is in l")
    assert problems(f"{base},5 kg,l,$1.055/kg\n")[0].startswith(
        "e.csv:2:9: unit: the quantity says kg, the unit column l"
    )


def test_the_header_is_checked_first() -> None:
    assert problems("entry;line;entry_date\n") == [
        "e.csv:1:1: the header is one column: this file separates its cells with ';'; an "
        "entry file separates them with commas"
    ]
    assert problems("entry,line,hts\n") == [
        "e.csv:1:1: missing columns entry_date, mode, origin, value (an entry file needs "
        "entry, line, entry_date, mode, hts, origin, value; see docs/entry.md)"
    ]
    assert problems("entry,Entry Number,line\n")[0] == (
        "e.csv:1:2: 'Entry Number' is column 'entry' again (also column 1)"
    )
    assert problems("") == [
        "e.csv:1:1: the file is empty; expected a header such as entry,line,..."
    ]


def test_a_share_is_a_percent_of_at_most_the_whole() -> None:
    assert problems(f"{HEADER},share:steel\nE,1,2025-05-20,air,85,CN,1,101%\n") == [
        "e.csv:2:8: share:steel: a share of the value is at most 100%, got '101%'"
    ]
    assert problems(f"{HEADER},share:steel\nE,1,2025-05-20,air,85,CN,1,40\n")[0].startswith(
        "e.csv:2:8: share:steel: '40' is not a percent: write a non-negative number with a % sign"
    )


def test_mail_and_the_postal_election() -> None:
    text = f"{HEADER},postal\nM,1,2025-05-20,50,85,CN,1,Per-Item\n"
    [line] = entries_from_text(text, "e.csv").lines
    assert (line.mode, line.postal) == (MAIL, "per-item")


# --- spreadsheets --------------------------------------------------------------------------


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_spreadsheet_reads_as_its_csv(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "entries.xlsx",
        [
            ["Entry Number", "Line Number", "Entry Date", "mode", "HTS Number", "origin", "value"],
            ["EN1-0000001-6", 1, date(2026, 3, 2), "vessel", "7326.90.8688", "CN", 12344.5],
        ],
    )
    document = run(LAW_2026, str(path))
    assert entries(document)["EN1-0000001-6"]["duty"] == D("9616.76")  # as in test_entry.py


def test_a_spreadsheet_s_bad_cell_is_refused_at_its_row_and_column(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "bad.xlsx", [HEADER.split(","), ["E", 1, "2026-03-02", "air", 85, "CN", -1]]
    )
    result = CliRunner().invoke(app, ["entry", LAW_2026, str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:2:7: value: '-1' is not an amount")


def test_a_spreadsheet_that_unpacks_too_large_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (210 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024  # small on disk
    result = CliRunner().invoke(app, ["entry", LAW_2026, str(path)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:1:1: the spreadsheet unpacks to 220,200,960 bytes, over the limit of "
        "209,715,200; refusing to open it\n"
    )


def test_a_file_named_xlsx_that_is_no_spreadsheet_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "entry,line\n", "fake.xlsx")
    result = CliRunner().invoke(app, ["entry", LAW_2026, path])
    assert result.exit_code == 1
    assert result.stderr == f"{path}:1:1: not a .xlsx spreadsheet (it is no zip archive)\n"


def test_without_the_extra_a_spreadsheet_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_openpyxl(name: str, *args: object, **kwargs: object) -> object:
        if name == "openpyxl":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_openpyxl)
    path = tmp_path / "e.xlsx"
    path.write_bytes(b"PK")
    result = CliRunner().invoke(app, ["entry", LAW_2026, str(path)])
    assert result.exit_code == 2
    assert result.stderr == (
        "tariffs: reading a .xlsx entry file needs openpyxl: pip install 'tariffs[xlsx]' (or "
        "save it as CSV)\n"
    )


# --- the fee and interest tables --------------------------------------------------------------


def test_the_shipped_tables_hold_the_sourced_figures() -> None:
    _, years = fee_years()
    fy2026 = next(y for y in years if y.start == date(2025, 10, 1))
    assert (fy2026.mpf_rate, fy2026.mpf_min, fy2026.mpf_max) == (
        D("0.3464"),
        D("33.58"),
        D("651.50"),
    )
    assert (fy2026.mpf_informal, fy2026.hmf_rate) == (D("2.69"), D("0.125"))
    fy2025 = next(y for y in years if y.start == date(2024, 10, 1))
    assert (fy2025.mpf_min, fy2025.mpf_max, fy2025.mpf_informal) == (
        D("32.71"),
        D("634.62"),
        D("2.62"),
    )
    _, quarters = interest_quarters()
    assert (quarters[0].start, quarters[0].corporate, quarters[0].non_corporate) == (
        date(2025, 1, 1),
        D(6),
        D(7),
    )
    assert all(row.source for row in (*years, *quarters))


def test_a_table_s_rows_may_not_overlap_and_each_cites_a_source(tmp_path: Path) -> None:
    header = ",".join(FEE_COLUMNS)
    text = (
        f"{header}\n2025-10-01,2026-10-01,0.3464%,33.58,651.50,2.69,0.125%,x\n"
        "2026-09-01,2027-10-01,0.3464%,34,700,2.7,0.125%,\n"
        "2026-09-01,2027-10-01,0.3464%,34,700,2.7,0.125%,y\n"
        "2027-10-01,2027-09-01,0.3464%,34,700,2.7,3,y\n"
    )
    with pytest.raises(ScenarioError) as caught:
        fee_years(Path(write(tmp_path, text, "fees.csv")))
    assert [str(p).split(": ", 1)[1] for p in caught.value.problems] == [
        "source: every row cites one",
        "from: 2026-09-01 is inside the row of line 2 (2025-10-01 to 2026-10-01); rows may not "
        "overlap",
        "hmf_rate: '3' is not a percent: write a non-negative number with a % sign, such as "
        "30% or 7.5%",
    ]


def test_a_user_s_fee_table_prices_a_later_year(tmp_path: Path) -> None:
    header = ",".join(FEE_COLUMNS)
    fees = write(
        tmp_path,
        f"{header}\n2026-10-01,2027-10-01,0.3464%,35.00,700.00,2.80,0.125%,test\n",
        "fees.csv",
    )
    entry_file = write(tmp_path, f"{HEADER}\nE,1,2026-10-05,vessel,6110.20.2010,CN,5000\n")
    document = run(LAW_2026, entry_file, "--fees", fees)
    assert entries(document)["E"]["mpf"] == D("35")  # 17.32 under the table's minimum
    result = CliRunner().invoke(app, ["entry", LAW_2026, entry_file])
    assert result.exit_code == 1
    assert "no fiscal year of the fees table covers 2026-10-05" in result.stderr


# --- in-transit clauses in the scenario format --------------------------------------------------

LAW = """tariffs: 1
title: t
period: {start: 2025-01-01, until: 2026-01-01}
on: 2025-06-01
flows: [{importer: US, exporter: VN, value: 1bn}]
measures:
  m:
    importer: US
    exporter: VN
    basis: b
    rates: {2025-08-07: 20%}
    in_transit:
      - CLAUSE
scenarios: {s: {}}
"""


def test_an_in_transit_clause_is_read_with_its_default_date() -> None:
    study = load_text(
        LAW.replace("CLAUSE", "{loaded_before: 2025-08-07, entered_before: 2025-10-05}"), "l.yaml"
    )
    [clause] = study.measures[0].in_transit
    assert (clause.loaded_before, clause.entered_before, clause.rate_on) == (
        date(2025, 8, 7),
        date(2025, 10, 5),
        date(2025, 8, 6),
    )


@pytest.mark.parametrize(
    ("clause", "message"),
    [
        (
            "{loaded_before: 2025-08-07, entered_before: 2025-08-01}",
            "l.yaml:13:53: measure 'm': 'entered_before' (2025-08-01) is before 'loaded_before' "
            "(2025-08-07); goods are entered after they are loaded",
        ),
        (
            "{loaded_before: 2025-08-07, entered_before: 2025-10-05, rate_on: 2025-08-07}",
            "l.yaml:13:74: measure 'm': 'rate_on' (2025-08-07) must be before 'loaded_before' "
            "(2025-08-07): the goods keep an earlier rate",
        ),
        ("{loaded_before: 2025-08-07}", "l.yaml:13:9: measures.m.in_transit.0: missing required"),
    ],
)
def test_a_clause_that_cannot_hold_is_refused(clause: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_text(LAW.replace("CLAUSE", clause), "l.yaml")
    assert str(caught.value.problems[0]).startswith(message)


def test_an_entry_file_behind_a_link_out_of_its_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "entries.csv").write_text(f"{HEADER}\nA,1,2026-03-02,vessel,6110.20.2010,CN,100\n")
    folder = tmp_path / "in"
    folder.mkdir()
    link = folder / "entries.csv"
    link.symlink_to(outside / "entries.csv")
    for extra in ([], ["--fees", str(link)]):
        target = [str(link)] if not extra else [f"{FIXTURES}/figures-2026.csv", *extra]
        result = CliRunner().invoke(app, ["entry", LAW_2026, *target])
        assert result.exit_code == 1
        assert result.stderr == (
            f"{link}:1:1: '{link}' is a symbolic link that leads out of its folder; "
            "refusing to read it\n"
        )
