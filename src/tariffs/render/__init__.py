"""Renderers: turn results into rich renderables or text. They never print.

This package's own module imports nothing heavy, so the CLI can read its constants at
start-up.
"""

PLAIN_WIDTH = 120
"""Width of table output when it is not shown on a terminal, unless --width says otherwise."""

COMPARE_SECTIONS = {
    "flows": "each flow's scenarios: rate on the date, average, low, peak and duties",
    "windows": "each flow's windows: the rates around them and the duties they saved",
    "layers": "each flow of product lines: each layer's part of its average rate",
    "lines": "each flow of product lines: its largest lines and their rates",
    "response": "each flow with a trade response: imports, dynamic duties and costs",
    "totals": "each importer of two or more flows: its total over its partners",
    "partners": "the importer's partners, the largest part of its total first",
    "by-layer": "the importer's layers, the largest part of its total first",
    "partner-by-layer": "each layer's part of each partner's average rate",
    "markets": "each importer's market: imports by partner, diversion, prices and welfare",
}
"""The sections of `tariffs compare`'s tables and Markdown, in the order it prints them, that
`--only` chooses from: the first five come per flow, the next four per importer, then the
markets."""
