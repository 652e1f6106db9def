"""Screens where treasurers keep their centre's books: income, costs, donors, funds, agreements."""

import json

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import contains_eager, joinedload
from wtforms import SelectField
from wtforms.validators import DataRequired, InputRequired

from fundtrack.admin.base import (
    SecureModelView,
    label_column,
    money_column,
    scoped_centres,
    scoped_rows,
)
from fundtrack.admin.donor_merge_views import DonorMergeScreens
from fundtrack.admin.grant_views import (
    GRANT_PICKER,
    GrantLineForm,
    OperationsInlineConverter,
    inline_options,
)
from fundtrack.admin.lists import (
    ListFeatures,
    MonthFilter,
    StructuralFilter,
    bool_filter,
    centre_filter,
    enum_filter,
    in_words,
    row_filter,
    year_filter,
)
from fundtrack.admin.operations_view import (
    AgreementOperations,
    CostOperations,
    DonorOperations,
    FunderOperations,
    FundOperations,
    IncomeOperations,
)
from fundtrack.auth.access import NotAllowed, load_visible
from fundtrack.costs.models import CostLine
from fundtrack.downloads import download
from fundtrack.extensions import db
from fundtrack.forms import MoneyField
from fundtrack.giving.national_id_views import national_id_page
from fundtrack.grants.models import Grant
from fundtrack.income import funds, gdpr, splits
from fundtrack.income.agreements import running_first, structural_agreements
from fundtrack.income.donors import DONOR_FIELDS
from fundtrack.income.models import (
    Donor,
    EarmarkedFund,
    Funder,
    FundingAgreement,
    IncomeLine,
    IncomeLineFund,
)
from fundtrack.income.views import last_booking_date
from fundtrack.labels import LANGUAGE_LABELS, NONE, label_of
from fundtrack.reports.render import LANGUAGES
from fundtrack.share.queries import summary_line_totals

# A money field is required; whether it may be 0 is the operation's rule (its words too).
MONEY = {"validators": [InputRequired()]}


def _agreement_label(agreement: FundingAgreement) -> str:
    return f"{agreement.centre.code} {agreement}"


def _agreements_running_first():
    """The income form's agreement picker: those running on the form's date first."""
    query = scoped_rows(FundingAgreement)().join(FundingAgreement.funder)
    return query.options(contains_eager(FundingAgreement.funder)).order_by(
        running_first(last_booking_date()), Funder.name, FundingAgreement.start_date.desc()
    )


def _structural_column(_view, _context, model, _name) -> str:
    structural = model.agreement_id in g.get("fundtrack_structural", ())
    return gettext("structural") if structural else gettext("incidental")


# Lines whose parts one query of the download asks for (a bound parameter each).
SPLIT_CHUNK = 5_000


def _fund_column(_view, _context, model, _name) -> str:
    """The line's fund, or its split: "Kledingbank € 60,00; Zomerkamp € 40,00"."""
    split = g.get("fundtrack_split", {}).get(model.id)
    return split or (model.earmarked_fund.name if model.earmarked_fund else "")


class CentreLineView(ListFeatures, SecureModelView):
    """Rows that belong to a centre; the operations give them the centre's currency."""

    column_formatters = {
        "amount": money_column,
        "annual_amount": money_column,
        "category": label_column,
        "kind": label_column,
        "source": label_column,
    }


class IncomeLineView(GrantLineForm, IncomeOperations, CentreLineView):
    column_list = [
        "booking_date",
        "centre.code",
        "category",
        "amount",
        "funder",
        "donor",
        "agreement",
        "structural",
        "earmarked_fund",
        "reference",
        "source",
    ]
    column_labels = CentreLineView.column_labels | {
        "structural": _l("Structural or incidental"),
        "fund_parts": _l("Split over earmarked funds"),
    }
    column_formatters = CentreLineView.column_formatters | {
        "structural": _structural_column,
        "earmarked_fund": _fund_column,
    }
    column_default_sort = ("booking_date", True)
    column_filters = [
        centre_filter(IncomeLine.centre_id),
        year_filter(IncomeLine.fiscal_year, _l("Fiscal year")),
        MonthFilter(IncomeLine.booking_date),
        enum_filter(IncomeLine.category, _l("Category")),
        row_filter(IncomeLine.funder_id, _l("Funder"), Funder, order_by=Funder.name),
        row_filter(IncomeLine.donor_id, _l("Donor"), Donor, order_by=Donor.name),
        row_filter(
            IncomeLine.agreement_id, _l("Agreement"), FundingAgreement, label=_agreement_label,
            load=(FundingAgreement.centre, FundingAgreement.funder),
        ),
        row_filter(IncomeLine.grant_id, _l("Grant"), Grant, order_by=Grant.project_name),
        row_filter(
            IncomeLine.earmarked_fund_id, _l("Earmarked fund"), EarmarkedFund,
            order_by=EarmarkedFund.name, matches=splits.of_fund,
        ),
        StructuralFilter(IncomeLine.agreement_id),
        enum_filter(IncomeLine.source, _l("Source")),
    ]  # fmt: skip
    column_searchable_list = ["reference", "description", "external_id"]
    # A donor's or funder's name finds their lines (looked up first, then by indexed id).
    search_relations = {IncomeLine.donor_id: Donor.name, IncomeLine.funder_id: Funder.name}
    # The bank's or the file's id of an imported line: no trigram index, so matched whole.
    search_exact = ("external_id",)
    total_column = "amount"
    year_column = "fiscal_year"
    export_columns = [
        ("booking_date", _l("Booking date"), "text"),
        ("fiscal_year", _l("Fiscal year"), "int"),
        ("centre.code", _l("Centre"), "text"),
        ("category", _l("Category"), "text"),
        ("amount", _l("Amount"), "money"),
        ("currency", _l("Currency"), "text"),
        ("funder.name", _l("Funder"), "text"),
        ("donor.name", _l("Donor"), "text"),
        ("agreement", _l("Agreement"), "text"),
        ("grant.project_name", _l("Grant"), "text"),
        ("earmarked_fund.name", _l("Earmarked fund"), "text"),
        ("reference", _l("Reference"), "text"),
        ("description", _l("Description"), "text"),
        ("source", _l("Source"), "text"),
    ]
    export_formatters = {
        "category": in_words("income_category"),
        "source": in_words("income_source"),
    }
    column_select_related_list = [
        IncomeLine.centre,
        IncomeLine.funder,
        IncomeLine.donor,
        IncomeLine.agreement,
        IncomeLine.earmarked_fund,
    ]
    # An agreement is shown with its funder's name.
    list_loads = (joinedload(IncomeLine.agreement).joinedload(FundingAgreement.funder),)
    # Filtered by these alone (or not at all), the list is counted and summed from
    # income_summary: a few rows per centre and year, however long the ledger.
    summary_columns = {
        "centre_id": "centre_id",
        "fiscal_year": "fiscal_year",
        "category": "category",
        "agreement_id": "agreement_key",
    }
    form_columns = [
        "centre",
        "booking_date",
        "amount",
        "category",
        "funder",
        "donor",
        "new_donor",
        "agreement",
        "earmarked_fund",
        "fund_parts",
        "grant",
        "reference",
        "description",
        "external_id",
        "confirm_duplicate",
        "confirm_incidental",
    ]
    # A gift split over funds: a row per fund and its part (income.splits), added with the
    # inline list's button; saved by IncomeOperations through the operations, never directly.
    inline_model_form_converter = OperationsInlineConverter
    inline_models = [
        inline_options(
            IncomeLineFund, ("earmarked_fund", "amount"), money=("amount",),
            form_args={"earmarked_fund": {
                "query_factory": scoped_rows(EarmarkedFund), "validators": [DataRequired()],
            }},
            column_labels={"earmarked_fund": _l("Earmarked fund"), "amount": _l("Amount")},
        )
    ]  # fmt: skip
    form_overrides = {"amount": MoneyField}
    form_args = {
        "amount": MONEY,
        "centre": {"query_factory": scoped_centres, "validators": [DataRequired()]},
        "funder": {"query_factory": scoped_rows(Funder), "blank_text": NONE},
        "donor": {"query_factory": scoped_rows(Donor), "blank_text": NONE},
        "agreement": {"query_factory": _agreements_running_first, "blank_text": NONE},
        "earmarked_fund": {"query_factory": scoped_rows(EarmarkedFund), "blank_text": NONE},
        "grant": GRANT_PICKER,
    }

    def summary_totals(self, equal):
        return summary_line_totals(db.session, current_user, equal)

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, **kwargs):
        count, rows = super().get_list(
            page, sort_column, sort_desc, search, filters, execute, **kwargs
        )
        if execute:
            # The page's agreements by share.classification's SQL rule: one query a page.
            g.fundtrack_structural = structural_agreements(
                db.session, (line.agreement_id for line in rows)
            )
            g.fundtrack_split = splits.parts_in_words(db.session, [line.id for line in rows])
        return count, rows

    def export_rows(self, rows):
        # The download names a split line's parts as the list does, a chunk of lines a query.
        g.fundtrack_split = {}
        for start in range(0, len(rows), SPLIT_CHUNK):
            chunk = [line.id for line in rows[start : start + SPLIT_CHUNK]]
            g.fundtrack_split |= splits.parts_in_words(db.session, chunk)
        return super().export_rows(rows)

    def _export_value(self, row, path: str):
        if path == "earmarked_fund.name":
            return _fund_column(self, None, row, path) or None
        return super()._export_value(row, path)


class CostLineView(GrantLineForm, CostOperations, CentreLineView):
    column_list = ["year", "centre.code", "kind", "category", "amount", "currency", "description"]
    column_default_sort = ("year", True)
    column_filters = [
        centre_filter(CostLine.centre_id),
        year_filter(CostLine.year),
        enum_filter(CostLine.kind, _l("Kind")),
        enum_filter(CostLine.category, _l("Category")),
        row_filter(CostLine.grant_id, _l("Grant"), Grant, order_by=Grant.project_name),
        row_filter(
            CostLine.earmarked_fund_id, _l("Earmarked fund"), EarmarkedFund,
            order_by=EarmarkedFund.name,
        ),
    ]  # fmt: skip
    column_searchable_list = ["description"]
    total_column = "amount"
    year_column = "year"
    export_columns = [
        ("year", _l("Year"), "int"),
        ("centre.code", _l("Centre"), "text"),
        ("kind", _l("Kind"), "text"),
        ("category", _l("Category"), "text"),
        ("amount", _l("Amount"), "money"),
        ("currency", _l("Currency"), "text"),
        ("description", _l("Description"), "text"),
    ]
    export_formatters = {"kind": in_words("cost_kind"), "category": in_words("cost_category")}
    column_select_related_list = [CostLine.centre]
    form_columns = [
        "centre", "year", "kind", "category", "amount", "spent_on", "grant", "description",
    ]  # fmt: skip
    column_labels = CentreLineView.column_labels | {"spent_on": _l("Spent on")}

    form_overrides = {"amount": MoneyField}
    form_args = {
        "amount": MONEY,
        "centre": {"query_factory": scoped_centres, "validators": [DataRequired()]},
        "grant": GRANT_PICKER,
        "spent_on": {
            "description": _l("The day the money was spent; a grant report shows it by month")
        },
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
    column_filters = [
        centre_filter(FundingAgreement.centre_id),
        row_filter(FundingAgreement.funder_id, _l("Funder"), Funder, order_by=Funder.name),
        bool_filter(FundingAgreement.recurring, _l("Recurring")),
    ]
    column_searchable_list = ["title"]
    search_relations = {FundingAgreement.funder_id: Funder.name}
    total_column = "annual_amount"
    export_columns = [
        ("centre.code", _l("Centre"), "text"),
        ("funder.name", _l("Funder"), "text"),
        ("title", _l("Title"), "text"),
        ("start_date", _l("Start date"), "text"),
        ("end_date", _l("End date"), "text"),
        ("recurring", _l("Recurring"), "text"),
        ("annual_amount", _l("Annual amount"), "money"),
        ("currency", _l("Currency"), "text"),
    ]
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
        "annual_amount": MONEY,
        "centre": {"query_factory": scoped_centres, "validators": [DataRequired()]},
        "funder": {"query_factory": scoped_rows(Funder), "validators": [DataRequired()]},
    }


class DonorView(DonorMergeScreens, DonorOperations, ListFeatures, SecureModelView):
    list_template = "admin/donor_list.html"
    column_list = ["name", "kind", "centre.code", "city", "email", "consent_contact"]
    column_formatters = {"kind": label_column}
    column_searchable_list = ["name", "email", "city"]
    column_filters = [
        centre_filter(Donor.centre_id),
        enum_filter(Donor.kind, _l("Kind")),
        bool_filter(Donor.consent_contact, _l("May be contacted")),
        bool_filter(Donor.consent_newsletter, _l("Receives the newsletter")),
    ]
    export_columns = [
        ("name", _l("Name"), "text"),
        ("kind", _l("Kind"), "text"),
        ("centre.code", _l("Centre"), "text"),
        ("postcode", _l("Postcode"), "text"),
        ("city", _l("City"), "text"),
        ("email", _l("E-mail"), "text"),
        ("consent_contact", _l("May be contacted"), "text"),
        ("consent_newsletter", _l("Receives the newsletter"), "text"),
    ]
    export_formatters = {"kind": in_words("donor_kind")}

    def get_list_row_actions(self):
        actions = list(super().get_list_row_actions())
        actions.append(
            EndpointLinkRowAction("fa fa-download", ".gdpr_export", title=gettext("Their data"))
        )
        actions.append(
            EndpointLinkRowAction(
                "fa fa-file-text", "giving.donor_statements", id_arg="donor_id",
                title=gettext("Giving statements"),
            )
        )  # fmt: skip
        actions.append(
            EndpointLinkRowAction(
                "fa fa-id-card", ".national_id", title=gettext("National identity number")
            )
        )
        if self._writes:
            actions.append(
                EndpointLinkRowAction("fa fa-eraser", ".gdpr_erase", title=gettext("Erase"))
            )
        return actions

    @expose("/gdpr/export/")
    def gdpr_export(self):
        """The donor's data on request (the right of access), as a JSON file."""
        donor = load_visible(db.session, Donor, request.args.get("id"), current_user)
        body = json.dumps(
            gdpr.access_export(db.session, current_user, donor), ensure_ascii=False, indent=2
        )
        return download(body, "donor", donor.id, kind="json")

    @expose("/national-id/", methods=("GET", "POST"))
    def national_id(self):
        """The donor's national identity number and request to be reported to the tax office."""
        donor = load_visible(db.session, Donor, request.values.get("id"), current_user)
        return national_id_page(self, donor)

    @expose("/gdpr/erase/", methods=("GET", "POST"))
    def gdpr_erase(self):
        """Erase the donor's personal data on request, after a confirmation."""
        donor = load_visible(db.session, Donor, request.values.get("id"), current_user)
        if not self._writes:
            abort(403)
        if request.method == "POST" and request.form.get("confirm") == "yes":
            try:
                gdpr.erase_donor(db.session, current_user._get_current_object(), donor)
                db.session.commit()
            except NotAllowed:
                db.session.rollback()
                abort(403)
            flash(gettext("The donor's personal data is erased; their gifts are kept."))
            return redirect(url_for(".index_view"))
        return self.render("admin/erase_donor.html", donor=donor)

    column_select_related_list = [Donor.centre]
    form_columns = list(DONOR_FIELDS)
    form_args = {"centre": {"query_factory": scoped_centres, "validators": [DataRequired()]}}
    form_overrides = {"language": SelectField}

    def _language_choices(self, form):
        form.language.choices = [("", gettext("the network's language"))] + [
            (code, label_of(LANGUAGE_LABELS, code)) for code in LANGUAGES
        ]
        return form

    def create_form(self, obj=None):
        return self._language_choices(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._language_choices(super().edit_form(obj))


def _fund_money(_view, _context, model, name) -> str:
    from fundtrack.formatting import network_format

    return network_format().money(funds.money(getattr(model, name)), model.centre.currency)


class EarmarkedFundView(FundOperations, ListFeatures, SecureModelView):
    """Funds with their balance to date and this fiscal year's result, summed by the list's
    own statement (fundtrack.income.funds.with_balances), not per fund."""

    column_list = ["name", "centre.code", "purpose", "end_date", "balance_year", "balance"]
    column_labels = SecureModelView.column_labels | {
        "balance": _l("Balance to date"),
        "balance_year": _l("This fiscal year"),
    }
    column_formatters = {"balance": _fund_money, "balance_year": _fund_money}
    column_searchable_list = ["name", "purpose"]
    column_filters = [centre_filter(EarmarkedFund.centre_id)]
    export_columns = [
        ("name", _l("Name"), "text"),
        ("centre.code", _l("Centre"), "text"),
        ("purpose", _l("Purpose"), "text"),
        ("end_date", _l("End date"), "text"),
        ("balance_year", _l("This fiscal year"), "money"),
        ("balance", _l("Balance to date"), "money"),
    ]
    export_formatters = {"balance": funds.money, "balance_year": funds.money}
    column_select_related_list = [EarmarkedFund.centre]
    form_args = {"centre": {"query_factory": scoped_centres, "validators": [DataRequired()]}}

    def get_query(self):
        return funds.with_balances(super().get_query(), funds.running_year(db.session))


class FunderView(FunderOperations, ListFeatures, SecureModelView):
    """Funders are shared by the network; a treasurer may add their municipality."""

    column_list = ["name", "type"]
    column_formatters = {"type": label_column}
    column_searchable_list = ["name"]
    column_filters = [enum_filter(Funder.type, _l("Type"))]
    export_columns = [("name", _l("Name"), "text"), ("type", _l("Type"), "text")]
    export_formatters = {"type": in_words("funder_type")}
    form_args = {"centre": {"query_factory": scoped_centres}}

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
