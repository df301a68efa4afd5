"""The validated, resolved inputs of a calculation: plain frozen values, no I/O.

`tariffs.loading` builds these from a scenario file; `tariffs.core` computes on them. Rates
are `Decimal` percents (30 means 30%); money is a `Decimal` amount in the study's currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Flow:
    """Annual trade into `importer` from `exporter`."""

    importer: str
    exporter: str
    value: Decimal

    @property
    def label(self) -> str:
        return f"{self.importer} on {self.exporter}"

    @property
    def key(self) -> str:
        return f"{self.importer}:{self.exporter}"


@dataclass(frozen=True, slots=True)
class Measure:
    """A tariff layer; `rates` holds (from, rate) pairs sorted by date, 0% before the first."""

    name: str
    importer: str
    exporter: str
    basis: str
    rates: tuple[tuple[date, Decimal], ...]


@dataclass(frozen=True, slots=True)
class Window:
    """A temporary override of some measures' rates over [start, until)."""

    name: str
    start: date
    until: date
    rates: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True, slots=True)
class Scenario:
    """A scenario with its inheritance already resolved.

    `changes` are (date, measure, rate) sorted by date: each sets the measure's rate from that
    date on, replacing the measure's own schedule from then. Windows override both.
    """

    name: str
    description: str
    changes: tuple[tuple[date, str, Decimal], ...]
    windows: tuple[Window, ...]
    disabled: frozenset[str]


@dataclass(frozen=True, slots=True)
class Study:
    """Everything one scenario file says, resolved and checked."""

    title: str
    start: date
    until: date
    on: date
    baseline: str
    currency: str
    sources: tuple[str, ...]
    flows: tuple[Flow, ...]
    measures: tuple[Measure, ...]
    scenarios: tuple[Scenario, ...]

    def scenario(self, name: str) -> Scenario:
        for scenario in self.scenarios:
            if scenario.name == name:
                return scenario
        raise KeyError(name)
