"""The limits of what one run reads and computes, in one place (docs/format.md, "Limits").

Each is set so that a file at the limit finishes within about a minute and 1 GB on a
small machine (bench/hostile.py measures them), and each is refused early with a message
that names the limit and the file's figure.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

MAX_BYTES = 10 * 1024 * 1024
"""The largest file read: scenario files, lines files and saved results alike."""

MAX_NODES = 500_000
"""The most values (and mappings and lists) a scenario file may hold: the node tree that
keeps each value's line and column costs about 600 bytes a value."""

MAX_DEPTH = 64
"""The deepest nesting of mappings and lists in a scenario file."""

MAX_RATE = Decimal("99999.999999")
"""The highest rate a file may write (five digits and six decimals: PERCENT_PATTERN), and
so the highest ad valorem equivalent a specific duty may come to."""

MAX_NUMBER_LENGTH = 40
"""The longest number a file may write (amounts below 1e18 with 6 decimals need 26)."""

MAX_LINES = 250_000
"""The most product lines a file may hold, over all its flows."""

MAX_FILE_PROBLEMS = 100
"""The most problems reported for one file; a lines file stops being read after this many."""

MAX_SHARES = 8
"""The most named shares of value one line (or flow) may state: a line is cut into a part
for each combination of the shares its flow's measures treat apart, 2^8 = 256 at most."""

MAX_TRACKER_ROWS = 200_000
"""The most rows a `date,value` file of another source's rates may hold (`--against`):
daily values for over 500 years."""

MAX_EXPECTATIONS = 10_000
"""The most expectations (`expect:` entries) a file may state."""

MAX_WORK = 60_000_000
"""The most work a file may ask for, in steps: a step is one rate in force from one date,
made for one class of product lines under one scenario, and writing out results counts
in steps too. See `tariffs.calc.cost.work`."""

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)
"""Dates in files and options run from FIRST_DAY to LAST_DAY, so that no date arithmetic
(a window's last day, the day before it) can leave the calendar."""

MAX_TIMELINE_CELLS = 1_500_000
"""The most cells a timeline may hold (segments x columns, over every scenario and flow
shown), whatever the format; JSON of that size is about 0.7 GB."""

MAX_TABLE_CELLS = 250_000
"""The most cells a table or Markdown page may hold; JSON and CSV carry more."""

MAX_VARIANTS = 1_000_000
"""The most variants one sweep may have (the product of its varied values' counts)."""

MAX_SWEEP_WORK = 15 * MAX_WORK
"""The most work a sweep may ask for: its variants times what each makes again, the swept
scenario's result and, for a variant of a measure, flow, line or market, the flows it
changes and the baseline (see `tariffs.calc.sweep.sweep_cost`). Sweeps may use every core
(--jobs), and stream their rows: at the limit, at most about two minutes on one core of a
quiet machine, whatever is varied (bench/sweep_work.py measures it)."""
