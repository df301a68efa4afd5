"""Read YAML text into plain data while keeping the node tree for error positions.

PyYAML implements YAML 1.1, where `NO` is false, `0304` is the octal 196 and `1:20` is 80.
Scenario files hold country codes, HS codes and dates, so this loader narrows the implicit
types to what a scenario needs:

- booleans are only `true`/`false` (any case variant YAML 1.2 allows);
- integers have no leading zeros, so `0304` stays the string "0304" (a `NumeralText`,
  which remembers that other YAML readers take it for a number: an HS code written so
  is refused with a request for quotes);
- floats become `Decimal` built from the source text, never a binary float;
- dates and sexagesimal numbers stay strings (the models parse dates themselves).

Duplicate keys, anchors, aliases, merge keys and explicit tags (`!!int "0x1F"`,
`!!float .inf`, `!!binary`) are errors, and so are nesting deeper than `MAX_DEPTH` and
numbers longer than `MAX_NUMBER_LENGTH`. Every error carries a 1-based line and column.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import yaml

from tariffs.domain import quoted
from tariffs.input.literals import NumeralText
from tariffs.limits import MAX_DEPTH, MAX_NODES, MAX_NUMBER_LENGTH

MAX_EVENTS = 2 * MAX_NODES + 10
"""Parse events: one per scalar, two per collection, four for the stream and document."""

_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DROPPED_TAGS = {
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
}


class YamlProblem(Exception):
    """A YAML-level error at a 1-based line and column."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(line, column, message)
        self.line = line
        self.column = column
        self.message = message


class _ScenarioLoader(_Base):  # type: ignore[valid-type,misc]
    """A safe loader with YAML 1.2-style implicit scalars (see the module docstring)."""


_ScenarioLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _DROPPED_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ScenarioLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_ScenarioLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_ScenarioLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]*|\.[0-9]+"
        r"|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?[eE][-+]?[0-9]+)$"
    ),
    list("-+.0123456789"),
)


def _number_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    text = str(loader.construct_scalar(node))
    if len(text) > MAX_NUMBER_LENGTH:
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"a number of {len(text):,} characters; numbers here have at most {MAX_NUMBER_LENGTH}",
            node.start_mark,
        )
    return text


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(_number_text(loader, node))


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    return int(_number_text(loader, node))


_NUMERAL = re.compile(r"^0[0-9]+(?:\.[0-9]*)?$")
"""Plain scalars that our resolvers leave as text but YAML 1.1 and 1.2 readers take for
numbers: digits with a leading zero, and perhaps a fraction (0304, 0207.10)."""


def _construct_str(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    text = str(loader.construct_scalar(node))
    if not node.style and _NUMERAL.match(text):  # plain: None (Python parser) or "" (C)
        return NumeralText(text)
    return text


def _construct_mapping(
    loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen: dict[Any, yaml.Mark] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise yaml.constructor.ConstructorError(
                None, None, "merge keys (<<) are not allowed", key_node.start_mark
            )
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | bool):
            raise yaml.constructor.ConstructorError(
                None, None, "mapping keys must be plain scalars", key_node.start_mark
            )
        if isinstance(key, int) and not isinstance(key, bool):
            key = str(key)  # a name may be a bare number: `7:` and `"7":` are the same name
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {quoted(key)} (first defined on line {seen[key].line + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_ScenarioLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_ScenarioLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_ScenarioLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_ScenarioLoader.add_constructor("tag:yaml.org,2002:str", _construct_str)


_SAID = (
    (
        "while parsing a block collection",
        "did not find expected '-' indicator",
        "this line does not line up with the list above it: indent a list's items alike, "
        "each starting with '- '",
    ),
    (
        "while parsing a block mapping",
        "did not find expected key",
        "this line does not line up with the keys above it: indent the keys of one "
        "mapping alike (with spaces), or quote a value that holds ': ' or starts with '-'",
    ),
    (
        "",
        "mapping values are not allowed here",
        "a ': ' here starts a key where none may start: quote a value that holds ': ', or "
        "put the key on a line of its own",
    ),
    (
        "while parsing a flow sequence",
        "did not find expected ',' or ']'",
        "a list in [ ] is not closed: each item ends with ',' and the list with ']'",
    ),
    (
        "while parsing a flow mapping",
        "did not find expected ',' or '}'",
        "a mapping in { } is not closed: each key: value ends with ',' and the mapping with '}'",
    ),
    (
        "while scanning a quoted scalar",
        "found unexpected end of stream",
        "a quoted text is not closed: its closing quote is missing",
    ),
    (
        "while scanning a simple key",
        "could not find expected ':'",
        "expected 'key: value' here: a line inside a mapping needs a ':' after its key",
    ),
)
"""PyYAML's messages that read as its parser's state, said as what to fix in the file."""


def _problem_from(exc: yaml.MarkedYAMLError) -> YamlProblem:
    context, problem = exc.context or "", exc.problem or ""
    for known_context, known_problem, said in _SAID:
        if context.startswith(known_context) and problem.startswith(known_problem):
            return _at(exc.problem_mark or exc.context_mark, f"{said} (YAML: {problem})")
    text = " ".join(part for part in (context, problem) if part)
    return _at(exc.problem_mark or exc.context_mark, text or "invalid YAML")


def _explain_tabs(problem: YamlProblem, text: str) -> YamlProblem:
    """PyYAML's message for a tab is 'cannot start any token'; say what it is."""
    lines = text.splitlines()
    if 0 < problem.line <= len(lines) and "\t" in lines[problem.line - 1][: problem.column]:
        return YamlProblem(
            problem.line,
            lines[problem.line - 1].index("\t") + 1,
            "a tab character is not allowed here; YAML indents with spaces",
        )
    return problem


def _at(mark: Any, message: str) -> YamlProblem:
    """A problem at a PyYAML mark (pure-Python or C, both 0-based), or at 1:1."""
    if mark is None:
        return YamlProblem(1, 1, message)
    return YamlProblem(mark.line + 1, mark.column + 1, message)


def _prescan(text: str) -> None:
    """Reject aliases, anchors, tags, deep nesting and too many values from the event stream.

    The C composer ignores Python-level compose hooks, so this runs over parse events,
    which is cheap and stops at the first offending event.
    """
    depth = 0
    for count, event in enumerate(yaml.parse(text, Loader=_ScenarioLoader)):
        if count > MAX_EVENTS:
            raise _at(
                event.start_mark,
                f"the file holds more than {MAX_NODES:,} values and collections, the most a "
                "scenario file may hold; put product lines in a CSV file",
            )
        if isinstance(event, yaml.AliasEvent):
            raise _at(event.start_mark, "aliases (*name) are not allowed in scenario files")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _at(event.start_mark, "anchors (&name) are not allowed in scenario files")
        tag = getattr(event, "tag", None)
        if tag is not None:
            raise _at(
                event.start_mark,
                f"tags ({visible_tag(tag)}) are not allowed in scenario files; "
                "write the value as plain text or a number",
            )
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _at(event.start_mark, f"nesting is deeper than {MAX_DEPTH} levels")
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1


def visible_tag(tag: str) -> str:
    """A tag as a file writes it: 'tag:yaml.org,2002:int' -> '!!int'."""
    short = tag.replace("tag:yaml.org,2002:", "!!")
    return repr(short[:40])[1:-1]


def parse(text: str) -> tuple[Any, yaml.Node | None]:
    """Parse one YAML document into (data, root node). Raises `YamlProblem`."""
    try:
        _prescan(text)
        loader = _ScenarioLoader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.composer.ComposerError as exc:
        if exc.context and "single document" in exc.context:
            raise _at(exc.problem_mark, "expected one YAML document, found several") from None
        raise _problem_from(exc) from None
    except yaml.MarkedYAMLError as exc:
        raise _explain_tabs(_problem_from(exc), text) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow in a file
        before = text[: exc.position]
        line = before.count("\n") + 1
        column = exc.position - (before.rfind("\n") + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = f"the character U+{code:04X} is not allowed in a YAML file ({exc.reason})"
        raise YamlProblem(line, column, message) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1, 1, str(exc).splitlines()[0] if str(exc) else "invalid YAML") from None
    return data, root


KEY = "[key]"
"""A loc part meaning: point at the key of the previous part, not at its value."""


class Locator:
    """Maps data paths (as pydantic reports them) to 1-based (line, column) in one file.

    Each mapping's keys are indexed the first time a path goes through it, so finding the
    place of every problem of a file with 100,000s of keys stays linear.
    """

    def __init__(self, root: yaml.Node | None) -> None:
        self.root = root
        self._keys: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = {}

    def _entry(self, node: yaml.MappingNode, part: object) -> tuple[yaml.Node, yaml.Node] | None:
        index = self._keys.get(id(node))
        if index is None:
            index = self._keys[id(node)] = {}
            for key, value in node.value:
                index.setdefault(str(key.value), (key, value))
        return index.get(str(part))

    def __call__(self, loc: tuple[Any, ...]) -> tuple[int, int]:
        """The place of `loc`. Parts that do not name a key or index (such as union tags)
        are skipped; a path into a missing key stops at its parent. A part equal to `KEY`
        selects the previous key node."""
        if self.root is None:
            return 1, 1
        node: yaml.Node = self.root
        key_node: yaml.Node | None = None
        for part in loc:
            if part == KEY:
                if key_node is not None:
                    node = key_node
                continue
            if isinstance(node, yaml.MappingNode):
                found = self._entry(node, part)
                if found is not None:
                    key_node, node = found
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(part, int)
                and 0 <= part < len(node.value)
            ):
                key_node, node = None, node.value[part]
        return node.start_mark.line + 1, node.start_mark.column + 1


def locate(root: yaml.Node | None, loc: tuple[Any, ...]) -> tuple[int, int]:
    """The place of one data path (see `Locator`, which indexes for many)."""
    return Locator(root)(loc)
