"""The YAML reader: YAML 1.1 traps stay strings, numbers become exact Decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tariffs.input.yamlsource import KEY, YamlProblem, locate, parse


def test_scalars_that_yaml_1_1_would_mangle() -> None:
    data, _ = parse("c: NO\non: 2025-06-01\nhs: 0304\nt: 1:20\ny: yes\noff: Off\n")
    # Plain PyYAML gives False, True (as a key), 196, 80, True and False here.
    assert data == {
        "c": "NO",
        "on": "2025-06-01",
        "hs": "0304",
        "t": "1:20",
        "y": "yes",
        "off": "Off",
    }


def test_numbers_are_exact() -> None:
    data, _ = parse("a: 438.9e9\nb: 12345678901234567.89\nc: 30\nd: true\ne: 8471.30\n")
    assert data == {
        "a": Decimal("438.9e9"),
        "b": Decimal("12345678901234567.89"),
        "c": 30,
        "d": True,
        "e": Decimal("8471.30"),
    }
    assert str(data["e"]) == "8471.30"  # the trailing zero of an HS-like code survives


def test_locate_values_keys_and_missing_parts() -> None:
    _, root = parse("a:\n  b: [x, {c: 1}]\n")
    assert locate(root, ("a", "b", 1, "c")) == (2, 14)
    assert locate(root, ("a", "b", 1, "c", KEY)) == (2, 11)
    assert locate(root, ("a", "zz")) == (2, 3)  # a missing key stops at its parent
    assert locate(root, ("a", "function-after[x]", "b")) == (2, 6)  # unknown parts skipped


def test_deep_block_nesting_is_refused_before_construction() -> None:
    text = "".join(f"{'  ' * depth}k{depth}:\n" for depth in range(100)) + "  " * 100 + "x\n"
    with pytest.raises(YamlProblem) as caught:
        parse(text)
    assert (caught.value.line, caught.value.message) == (65, "nesting is deeper than 64 levels")


def test_ten_thousand_flow_levels_stop_in_the_scanner() -> None:
    # libyaml's own limit (1,000 flow levels) fires before any event reaches our check.
    with pytest.raises(YamlProblem) as caught:
        parse("a: " + "[" * 10_000 + "]" * 10_000)
    assert caught.value.line == 1
    assert "nesting depth" in caught.value.message
