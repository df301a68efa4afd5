"""Renderers: turn results into rich renderables or text. They never print.

This package's own module imports nothing heavy, so the CLI can read its constants at
start-up.
"""

PLAIN_WIDTH = 120
"""Width of table output when it is not shown on a terminal, unless --width says otherwise."""
