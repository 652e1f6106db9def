"""Screens where treasurers keep their centre's books: income, costs, donors, funds, agreements."""

from decimal import Decimal

from flask_login import current_user
from wtforms.validators import DataRequired, InputRequired, NumberRange

from fundtrack.admin.base import (
    SecureModelView,
    label_column,
    money_column,
    scoped_centres,
    scoped_rows,
)
from fundtrack.admin.operations_view import (
    AgreementOperations,
    CostOperations,
    DonorOperations,
    FunderOperations,
    FundOperations,
    IncomeOperations,
)
from fundtrack.costs.models import CostLine
from fundtrack.forms import MoneyField
from fundtrack.income.donors import DONOR_FIELDS
from fundtrack.income.models import (
    Donor,
    EarmarkedFund,
    Funder,
    FundingAgreement,
    IncomeLine,
)


def _money(minimum: str = "0.01") -> dict:
    """Form arguments for a money field: required, with a lower bound."""
    return {
        "validators": [InputRequired(), NumberRange(min=Decimal(minimum))],
    }


NONE = "(none)"


def plain_dates(*fields: str) -> dict:
    """Plain YYYY-MM-DD inputs: the admin's date picker rewrites a date while it is typed."""
    return {field: {"data-role": "", "placeholder": "YYYY-MM-DD"} for field in fields}


class CentreLineView(SecureModelView):
    """Rows that belong to a centre; the operations give them the centre's currency."""

    column_filters = ["centre.code"]
    column_formatters = {
        "amount": money_column,
        "annual_amount": money_column,
        "category": label_column,
        "kind": label_column,
        "source": label_column,
    }


class IncomeLineView(IncomeOperations, CentreLineView):
    column_list = [
        "booking_date",
        "centre.code",
        "category",
        "amount",
        "currency",
        "funder",
        "donor",
        "agreement",
        "earmarked_fund",
        "reference",
        "source",
    ]
    column_default_sort = ("booking_date", True)
    column_filters = ["centre.code", "fiscal_year", "category", "booking_date", "source"]
    column_searchable_list = ["reference", "description", "external_id"]
    column_select_related_list = [
        IncomeLine.centre,
        IncomeLine.funder,
        IncomeLine.donor,
        IncomeLine.agreement,
        IncomeLine.earmarked_fund,
    ]
    form_columns = [
        "centre",
        "booking_date",
        "amount",
        "category",
        "funder",
        "donor",
        "agreement",
        "earmarked_fund",
        "reference",
        "description",
        "external_id",
    ]
    form_overrides = {"amount": MoneyField}
    form_args = {
        "amount": _money(),
        "centre": {"query_factory": scoped_centres, "validators": [DataRequired()]},
        "funder": {"blank_text": NONE},
        "donor": {"query_factory": scoped_rows(Donor), "blank_text": NONE},
        "agreement": {"query_factory": scoped_rows(FundingAgreement), "blank_text": NONE},
        "earmarked_fund": {"query_factory": scoped_rows(EarmarkedFund), "blank_text": NONE},
    }
    form_widget_args = plain_dates("booking_date")


class CostLineView(CostOperations, CentreLineView):
    column_list = ["year", "centre.code", "kind", "category", "amount", "currency", "description"]
    column_default_sort = ("year", True)
    column_filters = ["centre.code", "year", "kind", "category"]
    column_select_related_list = [CostLine.centre]
    form_columns = ["centre", "year", "kind", "category", "amount", "description"]
    form_overrides = {"amount": MoneyField}
    form_args = {
        "amount": _money(minimum="0.00"),
        "centre": {"query_factory": scoped_centres, "validators": [DataRequired()]},
    }


class FundingAgreementView(AgreementOperations, CentreLineView):
    column_list = [
        "centre.code",
        "funder",
        "title",
        "start_date",
        "end_date",
        "recurring",
        "annual_amount",
        "currency",
        "structural_override",
        "override_reason",
    ]
    column_select_related_list = [FundingAgreement.centre, FundingAgreement.funder]
    # Overriding the structural rule is the national office's call, made on the rules screen.
    form_columns = [
        "centre",
        "funder",
        "title",
        "start_date",
        "end_date",
        "recurring",
        "annual_amount",
    ]
    form_overrides = {"annual_amount": MoneyField}
    form_args = {
        "annual_amount": _money(),
        "centre": {"query_factory": scoped_centres, "validators": [DataRequired()]},
    }
    form_widget_args = plain_dates("start_date", "end_date")


class DonorView(DonorOperations, SecureModelView):
    column_list = ["name", "kind", "centre.code", "city", "email", "consent_contact"]
    column_formatters = {"kind": label_column}
    column_searchable_list = ["name", "email", "city"]
    column_filters = ["centre.code", "kind", "consent_contact", "consent_newsletter"]
    column_select_related_list = [Donor.centre]
    form_columns = list(DONOR_FIELDS)
    form_args = {"centre": {"query_factory": scoped_centres, "validators": [DataRequired()]}}


class EarmarkedFundView(FundOperations, SecureModelView):
    column_list = ["name", "centre.code", "purpose", "end_date"]
    column_select_related_list = [EarmarkedFund.centre]
    form_args = {"centre": {"query_factory": scoped_centres, "validators": [DataRequired()]}}
    form_widget_args = plain_dates("end_date")


class FunderView(FunderOperations, SecureModelView):
    """Funders are shared by the network; a treasurer may add their municipality."""

    column_list = ["name", "type"]
    column_formatters = {"type": label_column}
    column_searchable_list = ["name"]
    column_filters = ["type"]

    @property
    def can_edit(self) -> bool:
        return current_user.is_authenticated and current_user.can_manage_network

    @property
    def can_delete(self) -> bool:
        return self.can_edit


VIEWS = [
    (IncomeLineView, IncomeLine, "Income", "Books"),
    (CostLineView, CostLine, "Costs", "Books"),
    (FundingAgreementView, FundingAgreement, "Agreements", "Books"),
    (DonorView, Donor, "Donors", "Books"),
    (EarmarkedFundView, EarmarkedFund, "Earmarked funds", "Books"),
    (FunderView, Funder, "Funders", "Books"),
]
