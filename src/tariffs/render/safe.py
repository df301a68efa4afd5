"""Text from files, made safe for where it goes: terminals, spreadsheets, JSON and XML.

Every string that comes from a user (titles, names, descriptions, notes, bases, file names,
saved results) is untrusted. Before it reaches a person's terminal, `visible` turns each
control character, each invisible formatting character (bidi overrides, zero-width
characters) and each unpaired surrogate into an inert, visible escape such as `\\x1b` or
`\\u202e`. The other targets build on it: `csv_cell` also keeps spreadsheets from reading
text as a formula, and `json_string` writes the same characters as JSON escapes. Markdown
(render.markdown) and JUnit XML (render.checks) use `visible` too.
"""

from __future__ import annotations

import json
import re
import shlex

# Cc (C0, DEL, C1), Cf (format: soft hyphen, bidi controls, zero-width characters, BOM,
# tags ...), Zl and Zp (line and paragraph separators), Cs (surrogates, as left by
# undecodable file names) and the noncharacters U+FFFE and U+FFFF, which XML cannot hold.
# tests/test_text.py checks this list against the Unicode database of the running Python.
_UNSAFE_BUT_C0 = (
    "\x7f-\x9f\xad"
    "\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f"
    "\ud800-\udfff\ufeff\ufff9-\ufffb\ufffe\uffff"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_UNSAFE = re.compile(f"[\x00-\x1f{_UNSAFE_BUT_C0}]")
_UNSAFE_BUT_NEWLINE = re.compile(f"[\x00-\x09\x0b-\x1f{_UNSAFE_BUT_C0}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: str, *, newlines: bool = False) -> str:
    """`text` with every unsafe character written as a visible escape ('\\x1b', '\\u202e').

    With `newlines`, a line feed is kept (for cells that may span lines); otherwise it is
    escaped too. A backslash is left as it is, so the result is meant for reading, not for
    parsing back. Idempotent: visible(visible(s)) == visible(s).
    """
    pattern = _UNSAFE_BUT_NEWLINE if newlines else _UNSAFE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape, text)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """A text cell for a spreadsheet: visible, and never read as a formula.

    Following OWASP's advice on CSV injection, a cell that starts with =, +, -, @, a tab or
    a carriage return is prefixed with a single quote. Only text cells go through this:
    numbers stay numbers.
    """
    shown = visible(text)
    return "'" + shown if shown.startswith(_FORMULA_START) else shown


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_string(text: str) -> str:
    """A JSON string literal that keeps non-ASCII letters as they are but writes every
    unsafe character (see `visible`) as a JSON escape: the same value, inert on a terminal,
    and encodable even when it holds a lone surrogate."""
    literal = json.dumps(text, ensure_ascii=False)
    if _UNSAFE.search(literal) is None:
        return literal
    return _UNSAFE.sub(_json_escape, literal)


def shell_word(path: str) -> str:
    """A path as one word of a suggested shell command: read back as this path, and never
    as an option. A relative path that starts with `-` gets `./` before it; a path with
    spaces or characters a shell reads (`$`, `*`, quotes, ...) is quoted. Not made
    `visible`: the message it goes into is."""
    if path.startswith("-"):
        path = "./" + path
    return shlex.quote(path)
