"""Pydantic v2 models of the scenario file format, version 1 (see docs/format.md).

These models check the shape and the literals of a file. Cross-references (unknown measure
names, cycles in `extends`, overlapping windows and the like) are checked afterwards by
`tariffs.input.resolve`, which knows where in the file each value came from.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    StringConstraints,
    Tag,
    WithJsonSchema,
    create_model,
    field_validator,
)
from pydantic_core import PydanticCustomError

from tariffs.input import duties
from tariffs.input import literals as units
from tariffs.metrics import EXPECTED, expect_unit

FORMAT_VERSION = 1
SCHEMA_ID = "urn:tariffs:schema:scenario"
"""The scenario schema's `$id`, named as the results schema's (urn:tariffs:schema:result)."""
T = TypeVar("T")


def _user_error(kind: str, parse: Callable[[object], T]) -> Callable[[object], T]:
    """Turn a parser's ValueError into a pydantic error without the 'Value error,' prefix."""

    def validate(value: object) -> T:
        try:
            return parse(value)
        except ValueError as exc:
            raise PydanticCustomError(kind, "{detail}", {"detail": str(exc)}) from None

    return validate


Percent = Annotated[
    Decimal,
    BeforeValidator(_user_error("percent", units.parse_percent)),
    WithJsonSchema(
        {"type": "string", "pattern": units.PERCENT_PATTERN, "examples": ["30%", "7.5%"]}
    ),
]
_MONEY_NUMBER: dict[str, Any] = {
    "type": "number",
    "minimum": 0,
    "exclusiveMaximum": int(units.MAX_MONEY),
}
Money = Annotated[
    Decimal,
    BeforeValidator(_user_error("money", units.parse_money)),
    WithJsonSchema(
        {
            "anyOf": [
                _MONEY_NUMBER,
                {"type": "string", "pattern": units.MONEY_PATTERN},
            ],
            "examples": ["438.9bn", "12.5m", 1000000],
        }
    ),
]
Day = Annotated[
    date,
    BeforeValidator(_user_error("date", units.parse_date)),
    WithJsonSchema({"type": "string", "format": "date", "pattern": units.DATE_PATTERN}),
]


def _bound_schema(single: dict[str, Any]) -> dict[str, Any]:
    return {
        "anyOf": [
            single,
            {
                "type": "object",
                "properties": {"min": single, "max": single},
                "additionalProperties": False,
                "minProperties": 1,
            },
        ]
    }


_EXPECTED_RATE = {"type": "string", "pattern": r"^[-+]?[0-9]{1,5}(\.[0-9]{1,6})?(%|pp)$"}
_EXPECTED_MONEY = {
    "anyOf": [
        {
            "type": "number",
            "exclusiveMinimum": -int(units.MAX_MONEY),
            "exclusiveMaximum": int(units.MAX_MONEY),
        },
        {"type": "string", "pattern": "^[-+]?" + units.MONEY_PATTERN.removeprefix("^")},
    ]
}
_EXPECTED_SCHEMAS: dict[str, dict[str, Any]] = {
    "percent": _EXPECTED_RATE,
    "money": _EXPECTED_MONEY,
    "days": {"type": "integer", "minimum": 0},
    "date": {"type": "string", "format": "date", "pattern": units.DATE_PATTERN},
}


def _bound(kind: str) -> Any:
    """An expected value of a kind (percent, money, days, date): a literal or a range.
    Typed Any for pydantic (a dataclass type here would make it import its dataclass
    support at start-up); the validator returns a tariffs.domain.Bound."""
    return Annotated[
        Any,
        PlainValidator(_user_error(kind, lambda value: units.parse_bound(value, kind))),
        WithJsonSchema(_bound_schema(_EXPECTED_SCHEMAS[kind])),
    ]


_BOUNDS: dict[str, Any] = {kind: _bound(kind) for kind in _EXPECTED_SCHEMAS}
HsCode = Annotated[
    str,
    BeforeValidator(_user_error("hs", units.parse_hs)),
    # A code may be a YAML number (8517.13, 72), as the docs write them; the loader asks for
    # quotes where other readers would read another code (0207, 8473.30), which a schema
    # cannot see: to it, both are numbers.
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": units.HS_PATTERN},
                {"type": "integer", "minimum": 10, "maximum": 9_999_999_999},
                {"type": "number", "minimum": 10, "exclusiveMaximum": 1_000_000_000},
            ],
            "description": "An HS code: 2 to 10 digits, dots allowed between them. Quote a "
            'code with a leading zero or a zero at the end of its decimals ("0304", '
            '"8473.30").',
            "examples": [8517.13, 85, "0304", "8473.30"],
        }
    ),
]
Elasticity = Annotated[
    Decimal,
    BeforeValidator(_user_error("elasticity", units.parse_elasticity)),
    WithJsonSchema({"type": "number", "minimum": -20, "maximum": 0, "examples": [-1.5]}),
]
# Typed Any, as the bounds are: the validators return tariffs.input.duties values.
DutyRate = Annotated[
    Any,
    PlainValidator(_user_error("duty", duties.parse_duty)),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": duties.DUTY_PATTERN,
            "examples": ["2.5%", "$1.055/kg", "6.3¢/liter", "6.3c/liter", "0.9¢/each + 15.8%"],
        }
    ),
]
LineQuantity = Annotated[
    Any,
    PlainValidator(_user_error("quantity", duties.parse_quantity)),
    WithJsonSchema(
        {"type": "string", "pattern": duties.QUANTITY_PATTERN, "examples": ["1000 kg", "2.5m l"]}
    ),
]


def _as_text(value: object) -> object:
    """A name written as a bare number (`123:` in YAML is a number) is read as its text."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    return value


NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
# The schemas say what `_as_text` accepts: a name may be a YAML number (a scenario `123:`).
Name = Annotated[
    str,
    StringConstraints(pattern=NAME_PATTERN),
    BeforeValidator(_as_text),
    WithJsonSchema(
        {"anyOf": [{"type": "string", "pattern": NAME_PATTERN}, {"type": "number", "minimum": 0}]}
    ),
]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,3}$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
WindowName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=2000),
    BeforeValidator(_as_text),
    WithJsonSchema(
        {"anyOf": [{"type": "string", "minLength": 1, "maxLength": 2000}, {"type": "number"}]}
    ),
]


def _share_kind(value: object) -> str:
    """Which form of a share a value is: a percent, or percents by date (see `Setting`)."""
    return "~dated" if isinstance(value, dict) else "~percent"


Share = Annotated[
    Annotated[Percent, Tag("~percent")]
    | Annotated[dict[Day, Percent], Tag("~dated"), Field(min_length=1)],
    Discriminator(_share_kind),
]
"""A share of a line's value: a percent, or percents by date ({2025-01-01: 38%,
2025-07-01: 80%}: each from its date on, 0% before the first)."""
SHARES_DOC = (
    "Each a percent, or percents by date such as {usmca: {2025-01-01: 38%, 2025-07-01: "
    "80%}} (each from its date on; 0% before the first)."
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class Period(_Model):
    """The analysis window [start, until): `until` is the first day *not* counted."""

    start: Day
    until: Day


class Line(_Model):
    """A product line of a flow: an HS code (none: unclassified), its description and value."""

    hs: HsCode | None = None
    description: Text
    value: Money
    elasticity: Elasticity | None = Field(default=None, description="Default: the flow's.")
    observed_at: Percent | None = Field(default=None, description="Default: the flow's.")
    mfn: DutyRate | None = Field(
        default=None,
        description="Its MFN (column 1 general) rate, the base layer: ad valorem, specific "
        "or compound. Default: the flow's; unknown if neither is given.",
    )
    quantity: LineQuantity | None = Field(
        default=None, description="Its annual quantity with the unit, for a specific rate."
    )
    shares: dict[Name, Share] = Field(
        default_factory=dict,
        description="Named shares of its value, such as {usmca: 50%, steel: 30%}: what a "
        "measure's `on_share` or `exempt_share` and a `preferences` rate name. Default: the "
        "flow's. " + SHARES_DOC,
    )
    preferences: dict[Name, Percent] = Field(
        default_factory=dict,
        description="The rate a named share pays in place of MFN, such as {usmca: 0%}.",
    )


class Flow(_Model):
    """Annual goods trade from `exporter` into `importer`, in the file's currency."""

    importer: Country
    exporter: Country
    value: Money | None = Field(default=None, description="Default: the sum of the lines.")
    lines: list[Line] | None = Field(default=None, description="Product lines, inline.")
    lines_file: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = Field(
        default=None, description="A CSV file of product lines, relative to this file."
    )
    elasticity: Elasticity | None = Field(
        default=None, description="Import demand elasticity (<= 0) of every line."
    )
    observed_at: Percent | None = Field(
        default=None, description="The total rate at which the values were observed."
    )
    mfn: Percent | None = Field(
        default=None,
        description="The MFN rate of a flow without lines (trade-weighted), or of each line "
        "that states none. Unknown if not given: never taken as 0%.",
    )
    shares: dict[Name, Share] = Field(
        default_factory=dict,
        description="Named shares of the value of a flow without lines, or of each line "
        "that does not state that share. " + SHARES_DOC,
    )
    preferences: dict[Name, Percent] = Field(
        default_factory=dict,
        description="The rate a named share pays in place of MFN, for each line that states none.",
    )
    note: Text | None = None


class Exclusion(_Model):
    """Products taken out of a measure's scope, from a date on (default: always): codes
    (`hs`), a named product set (`products`), or both."""

    hs: list[HsCode] = Field(default_factory=list)
    products: Name | None = Field(default=None, description="A set of the file's `products`.")
    from_: Day | None = Field(default=None, alias="from")
    note: Text | None = None


class ProductSet(_Model):
    """A named list of HS codes, such as Annex II, that may grow by date."""

    hs: list[HsCode] = Field(min_length=1)
    added: dict[Day, list[HsCode]] = Field(
        default_factory=dict, description="Codes that join the set from a date on."
    )
    note: Text | None = None


class ProductRate(_Model):
    """A product-specific rate schedule, used instead of the measure's `rates`."""

    hs: list[HsCode] = Field(min_length=1)
    rates: dict[Day, Percent] = Field(min_length=1)
    note: Text | None = None


class Yield(_Model):
    """A dated yield: the measure pays nothing where `measure` is owed, over [from, until)."""

    measure: Name
    from_: Day | None = Field(default=None, alias="from", description="Default: always.")
    until: Day | None = Field(default=None, description="Exclusive. Default: for ever.")


class AllIn(_Model):
    """The measure's rate is a ceiling over the layers `over`, over [from, until): it pays
    max(0, its rate - their sum), as the EU's 15% all-in rate does over MFN."""

    over: list[Name] = Field(min_length=1)
    from_: Day | None = Field(default=None, alias="from", description="Default: always.")
    until: Day | None = Field(default=None, description="Exclusive. Default: for ever.")


class InTransit(_Model):
    """An order's saving clause for goods on the water: goods loaded onto the vessel that
    brings them before `loaded_before`, and entered before `entered_before`, pay the
    measure's rate of `rate_on` (default: the day before `loaded_before`) when that day is
    before their entry date. Only `tariffs entry` reads it: the other commands date by entry."""

    loaded_before: Day
    entered_before: Day
    rate_on: Day | None = Field(
        default=None, description="The date whose rate they keep; default: the day before."
    )
    note: Text | None = None


class Measure(_Model):
    """One tariff layer on one flow, or on several (`exporters`). `rates` maps a date to the
    rate in force from it on."""

    importer: Country
    exporter: Country | None = Field(default=None, description="Its one partner.")
    exporters: (
        list[Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]] | None
    ) = Field(
        default=None,
        description="Instead of `exporter`: its partners, country codes or names of "
        "`partners` groups; the measure applies to each of their flows.",
    )
    basis: Text = Field(description="The legal basis, shown beside the layer.")
    rates: dict[Day, Percent] = Field(default_factory=dict, description="0% before the first date.")
    partner_rates: dict[Country, dict[Day, Percent]] = Field(
        default_factory=dict,
        description="With `exporters`: a partner's own rates, in place of `rates` for it.",
    )
    applies_to: list[HsCode] = Field(
        default_factory=list, description="HS prefixes it covers; default: every product."
    )
    applies_to_products: list[Name] = Field(
        default_factory=list, description="Named product sets it covers, with `applies_to`."
    )
    excludes: list[Exclusion] = Field(default_factory=list)
    product_rates: list[ProductRate] = Field(default_factory=list)
    yields_to: list[Name | Yield] = Field(
        default_factory=list,
        description="Measures that displace it where they are owed: a name (always) or "
        "{measure, from, until}.",
    )
    all_in: list[AllIn] = Field(
        default_factory=list, description="Dated all-in ceilings over other layers."
    )
    on_share: Name | None = Field(
        default=None,
        description="It applies only to this named share of each line's value (a line that "
        "does not state the share: its whole value).",
    )
    exempt_share: Name | None = Field(
        default=None,
        description="This named share of each line's value pays none of it (a line that "
        "does not state the share: none of it is exempt).",
    )
    heading: Annotated[str, StringConstraints(pattern=r"^9903\.[0-9]{2}\.[0-9]{2}$")] | None = (
        Field(default=None, description="Its HTSUS Chapter 99 heading, such as 9903.01.25.")
    )
    authority: Literal["section-301", "ieepa", "section-232", "section-122", "other"] | None = (
        Field(default=None, description="Its legal authority: `rate` lists layers in CBP's order.")
    )
    in_transit: list[InTransit] = Field(
        default_factory=list,
        description="Saving clauses for goods loaded before a change (see `InTransit`).",
    )
    sources: list[Text] = Field(default_factory=list)
    note: Text | None = None


class ProductSetting(_Model):
    """A rate for some products only, in a scenario's change or window: codes (`hs`), a
    named product set (`products`), or both."""

    rate: Percent
    hs: list[HsCode] = Field(default_factory=list, description="HS prefixes it sets.")
    products: Name | None = Field(default=None, description="A set of the file's `products`.")
    note: Text | None = None


def _setting_kind(value: object) -> str:
    """Which form of a setting a value is, from its type: only that form is validated, so
    a mistake gets one message in its own terms. The tags start with `~`, which no key or
    name of a file can: messages leave them out of the path (input/errors.py)."""
    if isinstance(value, dict):
        return "~some"
    return "~list" if isinstance(value, list) else "~percent"


Setting = Annotated[
    Annotated[Percent, Tag("~percent")]
    | Annotated[ProductSetting, Tag("~some")]
    | Annotated[list[ProductSetting], Tag("~list"), Field(min_length=1)],
    Discriminator(_setting_kind),
]
WindowSetting = Annotated[
    Annotated[Percent, Tag("~percent")] | Annotated[ProductSetting, Tag("~some")],
    Discriminator(_setting_kind),
]


class Window(_Model):
    """A temporary override, [start, start + days) or [start, until)."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["days"]}, {"required": ["until"]}]}
    )

    name: WindowName
    start: Day
    days: Annotated[int, Field(ge=1, le=36_500)] | None = None
    until: Day | None = None
    set: dict[Name, WindowSetting] = Field(
        min_length=1,
        description="Measures' rates inside the window: a percent, or "
        "{rate, hs, products} for some products only.",
    )
    note: Text | None = None


class RuleChange(_Model):
    """A scenario's change of a measure's rules from a date on: each key given replaces
    that kind of rule from then (`all_in: []` lifts a ceiling); keys left out keep the
    measure's own."""

    yields_to: list[Name | Yield] | None = Field(
        default=None, description="The measures it yields to from the date on; [] for none."
    )
    all_in: list[AllIn] | None = Field(
        default=None, description="Its all-in ceilings from the date on; [] lifts them."
    )
    excludes: list[Exclusion] | None = Field(
        default=None, description="Its exclusions from the date on; [] ends them."
    )
    note: Text | None = None


class Scenario(_Model):
    """A named set of changes, windows and disabled measures on top of the timeline."""

    description: Text | None = None
    extends: Name | None = None
    changes: dict[Day, dict[Name, Setting]] = Field(
        default_factory=dict,
        description="From a date on, measures' rates: a percent, or {rate, hs, products} "
        "(or a list of them) for some products only.",
    )
    rules: dict[Day, dict[Name, RuleChange]] = Field(
        default_factory=dict,
        description="From a date on, measures' rules: {yields_to, all_in, excludes}, each "
        "replacing that kind of the measure's rules from then.",
    )
    windows: list[Window] = Field(default_factory=list)
    disable: list[Name] = Field(default_factory=list)


class _ExpectationBase(_Model):
    """A fact about the results, evaluated by `tariffs check`. Exactly one metric is given."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": [key]} for key in EXPECTED]}
    )

    scenario: Name
    flow: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,3}:([A-Z]{2,3}|\*)$")] = Field(
        description="IMPORTER:EXPORTER, or IMPORTER:* for the importer's total over its flows."
    )
    on: Day | None = Field(
        default=None, description="With a rate on a date only; default: the file's on."
    )
    window: WindowName | None = Field(
        default=None, description="A window's metric ('saved'...): the window's name."
    )
    hs: HsCode | None = Field(
        default=None,
        description="A product: its line's metrics, or with 'rate' its own rate on a date, "
        "as `tariffs rate` shows it.",
    )
    layer: Name | None = Field(
        default=None,
        description="A measure (or 'mfn'): its part of the flow's (or the importer "
        "total's) rate or average, instead of the total.",
    )
    tolerance: Annotated[
        Any, WithJsonSchema({"anyOf": [{"type": "string", "maxLength": 40}, {"type": "number"}]})
    ] = Field(
        default=None,
        description="How far the result may be from the value: 0.5pp for a rate, an "
        "amount for money, days for days. Without it a value is exact (docs/format.md).",
    )
    note: Text | None = None


_EXPECTED_FIELDS: dict[str, Any] = {
    key: (
        _BOUNDS[expect_unit(key)] | None,
        Field(default=None, description=next(iter(found.values()))[1].doc),
    )
    for key, found in EXPECTED.items()
}
Expectation = create_model(
    "Expectation", __base__=_ExpectationBase, __doc__=_ExpectationBase.__doc__, **_EXPECTED_FIELDS
)
"""An expectation: its fields are the base's and one per metric an `expect:` entry can
check, from the registry (tariffs.metrics.EXPECTED)."""


def _vary_text(value: object) -> str:
    """A sweep's values as the text `--vary` takes: a list [30, 60, 90] becomes 30,60,90."""
    if isinstance(value, str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list) and value and not any(isinstance(v, list | dict) for v in value):
        return ",".join(_vary_text(item) for item in value)
    raise PydanticCustomError(
        "vary",
        "expected values such as 30..365/5 (FIRST..LAST/STEP), or a list of values",
    )


VaryValues = Annotated[
    str,
    BeforeValidator(_vary_text),
    StringConstraints(min_length=1, max_length=10_000),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "examples": ["30..365/5", "10%..60%/5%"]},
                {"type": "number"},
                {"type": "array", "items": {"type": ["string", "number"]}, "minItems": 1},
            ]
        }
    ),
]
FlowKey = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,3}:[A-Z]{2,3}$")]


class Sweep(_Model):
    """A sweep of one scenario, run by `tariffs sweep FILE --sweep NAME` (docs/sweep.md)."""

    scenario: Name
    description: Text | None = None
    vary: dict[Annotated[str, StringConstraints(min_length=1, max_length=300)], VaryValues] = Field(
        min_length=1,
        description="TARGET: VALUES, such as 'window:Geneva truce.days: 30..365/5'; "
        "several make a grid, the first outermost.",
    )
    metrics: list[Annotated[str, StringConstraints(min_length=1, max_length=64)]] = Field(
        default_factory=list, description="Metrics to report; default: see docs/sweep.md."
    )
    flows: list[FlowKey] = Field(default_factory=list, description="Default: every flow.")
    solve: Annotated[str, StringConstraints(min_length=3, max_length=200)] | None = Field(
        default=None, description="METRIC=GOAL: where the one varied number meets it."
    )
    note: Text | None = None


Substitution = Annotated[
    Decimal,
    BeforeValidator(_user_error("substitution", units.parse_substitution)),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 50, "examples": [3]}),
]
Supply = Annotated[
    Decimal | None,
    BeforeValidator(_user_error("supply", units.parse_supply)),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": 0, "maximum": 1000},
                {"const": units.INFINITE},
            ],
            "examples": [2, units.INFINITE],
        }
    ),
]


class Market(_Model):
    """An importer's imports from its partners as one market: trade moves between them
    (diversion) as their tariffs change (docs/economics.md, sections 7 and 8)."""

    model: Literal["ces", "gsim"] = Field(
        default="ces", description="ces (the default): CES in levels; gsim: linear GSIM."
    )
    import_demand: Elasticity | None = Field(
        default=None, description="Em, the elasticity of total import demand. Default: -1."
    )
    substitution: Substitution | None = Field(
        default=None,
        description="sigma (Es), the elasticity of substitution between partners. Default: 1.5.",
    )
    export_supply: Supply = Field(
        default=None,
        description="Ex, the partners' export supply elasticity, or infinite (the default): "
        "world prices then stay put.",
    )
    partner_supply: dict[Country, Supply] = Field(
        default_factory=dict, description="Ex of some partners, in place of export_supply."
    )
    observed_on: Day | None = Field(
        default=None,
        description="T0, the observed rates: each flow's rate on this day under the baseline "
        "scenario. Default: the flows' observed_at.",
    )
    note: Text | None = None


class ScenarioFile(_Model):
    """A whole scenario file."""

    model_config = ConfigDict(title="tariffs scenario file")

    tariffs: int = Field(
        description=f"Format version; must be {FORMAT_VERSION}.",
        json_schema_extra={"const": FORMAT_VERSION},
    )
    title: Text
    period: Period
    on: Day = Field(description="The date the 'rate on' figures report; --on overrides it.")
    baseline: Name | None = Field(
        default=None, description="Deltas are measured against it; default: first scenario."
    )
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "USD"
    sources: list[Text] = Field(default_factory=list)
    notes: Annotated[str, StringConstraints(max_length=20_000)] | None = None
    flows: list[Flow] = Field(min_length=1)
    partners: dict[Name, list[Country]] = Field(
        default_factory=dict, description="Named groups of partners, such as EU27."
    )
    products: dict[Name, ProductSet] = Field(default_factory=dict)
    measures: dict[Name, Measure] = Field(min_length=1)
    scenarios: dict[Name, Scenario] = Field(min_length=1)
    expect: list[Expectation] = Field(default_factory=list)
    sweeps: dict[Name, Sweep] = Field(default_factory=dict)
    markets: dict[Country, Market] = Field(
        default_factory=dict,
        description="Importers whose partners form one market, with trade diversion.",
    )

    @field_validator("tariffs")
    @classmethod
    def _known_version(cls, value: int) -> int:
        return known_version(value)


def known_version(value: int) -> int:
    """The format version a file gives, if this tariffs reads it."""
    if value != FORMAT_VERSION:
        raise PydanticCustomError(
            "version",
            "unsupported format version {value}: this tariffs reads version {known}",
            {"value": value, "known": FORMAT_VERSION},
        )
    return value


class ExpectationsFile(_Model):
    """A file of expectations about another file's results: `tariffs check FILE --expect
    THIS`. Its entries are those of a scenario file's `expect:`."""

    model_config = ConfigDict(title="tariffs expectations file")

    tariffs: int = Field(
        description=f"Format version; must be {FORMAT_VERSION}.",
        json_schema_extra={"const": FORMAT_VERSION},
    )
    note: Annotated[str, StringConstraints(max_length=20_000)] | None = None
    expect: list[Expectation] = Field(min_length=1)

    @field_validator("tariffs")
    @classmethod
    def _known_version(cls, value: int) -> int:
        return known_version(value)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files, as committed at schema/scenario.schema.json.

    Its `$id` names it wherever it is saved (`tariffs schema > tariffs.schema.json`), as the
    results schema's does (tariffs.contract)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **ScenarioFile.model_json_schema(),
    }
