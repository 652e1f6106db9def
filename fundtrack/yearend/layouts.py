"""The two layouts of the statement: RJ 650 for Dutch networks, the Norwegian activity statement
(NRS for non-profit organisations) for Norwegian ones.

A layout is data: its income lines name the RJ 650 income categories they sum, its expense
lines the expense groups; which lines count as raised income (for the fundraising ratio) is
marked. The words are lazy: chosen in the reader's language when shown.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from fundtrack.centres.models import Network
from fundtrack.income.models import IncomeCategory as C
from fundtrack.yearend.models import ExpenseGroup as G


@dataclass(frozen=True)
class IncomeLineSpec:
    key: str
    label: object
    categories: tuple[str, ...]
    raised: bool  # counts as raised income (geworven baten)


@dataclass(frozen=True)
class ExpenseLineSpec:
    key: str
    label: object
    group: str


@dataclass(frozen=True)
class Layout:
    code: str
    title: object
    income: tuple[IncomeLineSpec, ...]
    raised_total: object | None  # the subtotal after the raised lines, if the layout has one
    income_total: object
    expenses: tuple[ExpenseLineSpec, ...]
    expenses_total: object
    result: object
    to_funds: object
    from_funds: object
    to_reserve: object


RJ650 = Layout(
    code="rj650",
    title=_l("Statement of income and expenditure"),
    income=(
        IncomeLineSpec("individuals", _l("Income from individuals"), (C.INDIVIDUALS,), True),
        IncomeLineSpec("companies", _l("Income from companies"), (C.COMPANIES,), True),
        IncomeLineSpec("lottery", _l("Income from lottery organisations"), (C.LOTTERY,), True),
        IncomeLineSpec("government", _l("Government subsidies"), (C.GOVERNMENT,), True),
        IncomeLineSpec(
            "affiliated",
            _l("Income from affiliated non-profit organisations"),
            (C.AFFILIATED_NONPROFITS,),
            True,
        ),
        IncomeLineSpec(
            "other_nonprofits",
            _l("Income from other non-profit organisations"),
            (C.OTHER_NONPROFITS,),
            True,
        ),
        IncomeLineSpec(
            "services",
            _l("Income in return for goods and services"),
            (C.INSURERS_AND_CARE,),
            False,
        ),
        IncomeLineSpec("other", _l("Other income"), (C.OTHER,), False),
    ),
    raised_total=_l("Total raised income"),
    income_total=_l("Total income"),
    expenses=(
        ExpenseLineSpec("objectives", _l("Spent on the objectives"), G.OBJECTIVES),
        ExpenseLineSpec("fundraising", _l("Fundraising costs"), G.FUNDRAISING),
        ExpenseLineSpec("administration", _l("Management and administration"), G.ADMINISTRATION),
    ),
    expenses_total=_l("Total expenses"),
    result=_l("Balance of income and expenses"),
    to_funds=_l("Added to earmarked funds"),
    from_funds=_l("Taken from earmarked funds"),
    to_reserve=_l("Added to (taken from) the general reserve"),
)

NRS = Layout(
    code="nrs",
    title=_l("Activity statement"),
    income=(
        IncomeLineSpec(
            "collected",
            _l("Collected funds, gifts and legacies"),
            (C.INDIVIDUALS, C.COMPANIES),
            True,
        ),
        IncomeLineSpec("government", _l("Public grants"), (C.GOVERNMENT,), True),
        IncomeLineSpec(
            "other_grants",
            _l("Other grants"),
            (C.LOTTERY, C.AFFILIATED_NONPROFITS, C.OTHER_NONPROFITS),
            True,
        ),
        IncomeLineSpec(
            "services",
            _l("Earned income from activities that fulfil the purpose"),
            (C.INSURERS_AND_CARE,),
            False,
        ),
        IncomeLineSpec("other", _l("Other income"), (C.OTHER,), False),
    ),
    raised_total=None,
    income_total=_l("Total funds obtained"),
    expenses=(
        ExpenseLineSpec("fundraising", _l("Costs of raising funds"), G.FUNDRAISING),
        ExpenseLineSpec("objectives", _l("Costs of the purpose"), G.OBJECTIVES),
        ExpenseLineSpec("administration", _l("Administration costs"), G.ADMINISTRATION),
    ),
    expenses_total=_l("Total funds used"),
    result=_l("Activity result"),
    to_funds=_l("To purpose capital with external restrictions"),
    from_funds=_l("From purpose capital with external restrictions"),
    to_reserve=_l("To (from) other purpose capital"),
)


def layout_of(network: Network) -> Layout:
    """The Norwegian activity statement for a Norwegian network, RJ 650 for any other."""
    language = (network.locale or "").split("_")[0].lower()
    return NRS if language in ("nb", "nn", "no") else RJ650
