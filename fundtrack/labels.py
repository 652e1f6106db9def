"""Every enum value and code a person reads, in words: the one home of these tables.

Screens, exports, PDFs, the audit trail and error messages say a stored code through
`label_of(TABLE, value)`, `label(value, kind)` or the templates' `label` filter, never by
showing the code. Each table is named `<KIND>_LABELS` and is lazy, because the words are
chosen per request (the reader's language), not at import. `TABLES` names each table by its
kind (an enum column's type name, or the kind of code); `enum_tables()` says which table words
each enum class of the models. tests/test_labels.py fails when an enum, or a column's fixed
set of codes, gains a value without words here.
"""

from flask_babel import lazy_gettext as _l


def label_of(labels: dict, value) -> str:
    """`value` (a code, or an enum member) in words from `labels`; a code the table lacks
    shows as itself with spaces (tests/test_labels.py keeps every known code in a table)."""
    code = getattr(value, "value", value)
    if code is None:
        return ""
    return str(labels.get(code, str(code).replace("_", " ")))


# ---- the books: income, costs, funders, donors ---------------------------------------------

# Display names a treasurer recognises for the stored codes (RJ 650 income categories).
CATEGORY_LABELS = {
    "individuals": _l("Individuals"),
    "companies": _l("Companies"),
    "lottery_organisations": _l("Lottery organisations"),
    "government_subsidies": _l("Government subsidies"),
    "affiliated_nonprofits": _l("Affiliated non-profits"),
    "other_nonprofits": _l("Other non-profits"),
    "insurers_and_care": _l("Health insurers and care contracts"),
    "other": _l("Other income"),
}

INCOME_SOURCE_LABELS = {
    "manual": _l("Entered by hand"),
    "import": _l("Imported"),
    "api": _l("Through the API"),
}

FUNDER_TYPE_LABELS = {
    "municipality": _l("municipality"),
    "province": _l("province"),
    "national_government": _l("national government"),
    "health_insurer": _l("health insurer"),
    "care_partner": _l("care partner"),
    "affiliated_nonprofit": _l("affiliated non-profit"),
    "foundation": _l("foundation (fund)"),
    "lottery": _l("lottery"),
    "company": _l("company"),
    "individual": _l("individual"),
    "other": _l("other"),
}

DONOR_KIND_LABELS = {"person": _l("Person"), "organisation": _l("Organisation")}

COST_KIND_LABELS = {"budget": _l("Budget"), "actual": _l("Actual")}

COST_CATEGORY_LABELS = {
    "staff": _l("Staff"),
    "housing": _l("Housing"),
    "activities": _l("Activities"),
    "volunteers": _l("Volunteers"),
    "communication": _l("Communication"),
    "administration": _l("Administration"),
    "other": _l("Other costs"),
}

# The costs a share is measured against (fundtrack.share.figures.CostsBasis).
BASIS_LABELS = {
    "actual": _l("actual costs"),
    "budget": _l("budget"),
    "mixed": _l("actual and budget"),
    "none": _l("no costs"),
}

# A figure too good or too sudden to be true (fundtrack.share.plausibility), and its likely
# cause: the screens, exports and PDFs say these instead of a bare "meets the target".
WARNING_CAUSE_LABELS = {
    "costs_incomplete": _l("are the costs complete, and declared on the right basis?"),
    "line_in_wrong_year": _l(
        "is a structural income line booked in the wrong year, or did an agreement start or end?"
    ),
}

# What a row of the dashboard's download is (fundtrack.share.exports).
ROW_KIND_LABELS = {"centre": _l("Centre"), "region": _l("Region"), "network": _l("Network")}

# Year-end (fundtrack.yearend): the expense groups a cost category is put in, and the sides
# of the journal an account mapping is for.
EXPENSE_GROUP_LABELS = {
    "objectives": _l("spent on the objectives"),
    "fundraising": _l("fundraising costs"),
    "administration": _l("management and administration"),
}

POSTING_SIDE_LABELS = {
    "income": _l("income"),
    "cost": _l("costs"),
}

# ---- grants and their reports ----------------------------------------------------------------

GRANT_STATE_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "awarded": _l("Awarded"),
    "partly_awarded": _l("Partly awarded"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
    "reporting": _l("Reporting"),
    "closed": _l("Closed"),
}

GOAL_KIND_LABELS = {"quantitative": _l("Quantitative"), "qualitative": _l("Qualitative")}

REPORT_KIND_LABELS = {"interim": _l("Interim report"), "final": _l("Final report")}

JOB_STATE_LABELS = {
    "queued": _l("waiting"),
    "running": _l("being made"),
    "done": _l("ready"),
    "failed": _l("failed"),
}

# The languages a report for a funder is written in (report_drafts.language).
LANGUAGE_LABELS = {"nl": "Nederlands", "nb": "Norsk (bokmål)", "en": "English"}

# ---- accounts and the audit trail ------------------------------------------------------------

ROLE_LABELS = {
    "admin": _l("administrator"),
    "national": _l("national office"),
    "treasurer": _l("treasurer"),
    "auditor": _l("auditor"),
}

TOKEN_SCOPE_LABELS = {"read": _l("only read"), "write": _l("read and change")}

# What an audit event did (fundtrack.audit.models.AuditAction), as a verb after its actor.
AUDIT_ACTION_LABELS = {
    "create": _l("created"),
    "update": _l("changed"),
    "delete": _l("deleted"),
    "reopen": _l("reopened"),
    "erase": _l("erased"),
    "import": _l("imported"),
    "sign-in": _l("signed in"),
    "sign-in-no": _l("was refused at sign-in"),
    "sign-out": _l("signed out"),
    "mfa-on": _l("turned on the second sign-in step"),
    "mfa-reset": _l("reset the second sign-in step of"),
    "sess-end": _l("signed out everywhere"),
    "merge": _l("merged donors in"),
    "unmerge": _l("undid a merge of donors in"),
}

# Which kind of record an audit event is about: its table (every audited table has words).
AUDIT_ENTITY_LABELS = {
    "income_lines": _l("Income line"),
    "income_line_funds": _l("Part of an income line for an earmarked fund"),
    "cost_lines": _l("Cost line"),
    "funding_agreements": _l("Agreement"),
    "donors": _l("Donor"),
    "earmarked_funds": _l("Earmarked fund"),
    "funders": _l("Funder"),
    "centres": _l("Centre"),
    "regions": _l("Region"),
    "users": _l("User"),
    "fiscal_year_locks": _l("Closed year"),
    "network": _l("Network settings"),
    "structural_rules": _l("Structural rule"),
    "grants": _l("Grant"),
    "api_tokens": _l("API token"),
    "grant_goals": _l("Grant goal"),
    "grant_budget_lines": _l("Grant budget line"),
    "grant_allocations": _l("Grant allocation"),
    "grant_report_obligations": _l("Report duty"),
    "grant_transitions": _l("Grant state change"),
    "report_drafts": _l("Report draft"),
    "sent_reports": _l("Sent report"),
    "imports": _l("Import"),
    "import_profiles": _l("Import column mapping"),
    "actuals_declarations": _l("Declared actual costs"),
    "income_summary": _l("Income summary"),
    "onboardings": _l("Onboarding workbook"),
    "onboarding": _l("Onboarding workbook booked"),
    "yearend_expense_groups": _l("Expense group of a cost category"),
    "yearend_accounts": _l("Journal account"),
    "yearend_settings": _l("Year-end settings"),
    "recurring_gifts": _l("Recurring gift"),
    "instalments": _l("Instalment"),
    "gift_agreements": _l("Signed gift agreement"),
    "mandates": _l("Direct-debit mandate"),
    "collections": _l("Direct-debit collection"),
    "collection_items": _l("Instalment collected"),
    "known_devices": _l("Known device"),
    "security_notices": _l("Security notice"),
    "grant_goal_measurements": _l("Goal measurement"),
    "grant_in_kind": _l("Volunteer hours given in kind"),
    "donor_national_ids": _l("National identity number"),
    "gift_report_runs": _l("Gift report to the tax office"),
    "volunteer_hour_rates": _l("Value of a volunteer hour from a day on"),
    "donor_merges": _l("Donors merged"),
    "giving_statements": _l("Yearly giving statement"),
    "giving_statement_lines": _l("Gift on a giving statement"),
}

# The audit trail's names of fields that the screens do not show as columns.
AUDIT_FIELD_LABELS = {
    "grant_id": _l("Grant"),
    "funder_id": _l("Funder"),
    "donor_id": _l("Donor"),
    "merged_into_id": _l("Merged into"),
    "merged_donor": _l("Donor merged into this one"),
    "agreement_id": _l("Agreement"),
    "earmarked_fund_id": _l("Earmarked fund"),
    "region_id": _l("Region"),
    "locked_by_id": _l("Closed by"),
    "user_id": _l("User"),
    "reason": _l("Reason"),
    "structural_by_default": _l("Structural by default"),
    "note": _l("Note"),
    "programme": _l("Programme"),
    "project_name": _l("Project"),
    "state": _l("State"),
    "funder_type": _l("Funder type"),
    "key": _l("Key"),
    "value": _l("Value"),
    "updated_at": _l("Updated"),
    "agreement_key": _l("Agreement"),
    "cents": _l("Amount in cents"),
    "lines": _l("Lines"),
    "mfa_enabled_at": _l("Second sign-in step on since"),
    "declared_at": _l("Declared on"),
    "declared_by_id": _l("Declared by"),
    "last_used_at": _l("Last used"),
    "revoked_at": _l("Revoked on"),
    "expires_at": _l("Expires on"),
    "scope": _l("May"),
    "awaiting_confirmation": _l("Awaiting confirmation"),
    "filename": _l("File"),
    "sha256": _l("SHA-256"),
    # a yearly giving statement (fundtrack.giving.statement_models)
    "total": _l("Total"),
    "periodic_total": _l("Of which periodic gifts"),
    "issued_at": _l("Issued at"),
    "issued_by_id": _l("Issued by"),
    "live": _l("Stands (not void)"),
    "voided_at": _l("Void since"),
    "voided_by_id": _l("Voided by"),
    "void_reason": _l("Why void"),
    "replaces_id": _l("Replaces statement"),
    "statement_id": _l("Statement"),
    "size": _l("Size (bytes)"),
    "rows_total": _l("Rows"),
    "rows_booked": _l("Rows booked"),
    "rows_duplicate": _l("Rows already booked"),
    "rows_skipped": _l("Rows skipped"),
    "rows_error": _l("Rows with an error"),
    "new_donors": _l("New donors"),
    "outcome": _l("Outcome"),
    "error": _l("Error"),
    "booked_at": _l("Booked on"),
    "undone_at": _l("Undone on"),
    "counts": _l("Counts"),
    "created": _l("Created"),
    "project_leader": _l("Project leader"),
    "summary": _l("Summary"),
    "amount_requested": _l("Requested"),
    "amount_awarded": _l("Awarded"),
    "chance": _l("Chance (%)"),
    "auditor_statement_required": _l("Auditor's statement required"),
    "unit": _l("Unit"),
    "target": _l("Target"),
    "achieved": _l("Achieved"),
    "as_of": _l("As of"),
    "result": _l("Result"),
    "due_date": _l("Due"),
    "sent_on": _l("Sent on"),
    "from_state": _l("From"),
    "to_state": _l("To"),
    "moved_on": _l("On"),
    "import_id": _l("Import"),
    "obligation_id": _l("Report duty"),
    "narrative": _l("Narrative"),
    "language": _l("Language"),
    "sent_by_id": _l("Sent by"),
    "sent_at": _l("Sent"),
    "expense_group": _l("Expense group"),
    "side": _l("Side"),
    "account": _l("Account"),
    "clearing_account": _l("Clearing account"),
    "national_office_funder_id": _l("The national office as funder"),
    "frequency": _l("Frequency"),
    "payment_method": _l("Payment method"),
    "recurring_gift_id": _l("Recurring gift"),
    "income_line_id": _l("Income line"),
    "transaction_number": _l("Transaction number"),
    "years": _l("Years"),
    "donor_signed_on": _l("Signed by the donor on"),
    "centre_signed_on": _l("Signed by the centre on"),
    "centre_signatory": _l("Signs for the centre"),
    "signed_on": _l("Signed on"),
    "amended_on": _l("Account changed on"),
    "revoked_on": _l("Revoked on"),
    "collection_date": _l("Collection date"),
    "message_id": _l("File's message id"),
    "collection_id": _l("Collection"),
    "instalment_id": _l("Instalment"),
    "mandate_id": _l("Mandate"),
    "sequence": _l("First or recurring"),
    "end_to_end_id": _l("End-to-end id"),
    "flagged_on": _l("Flagged on"),
    "flag_reason": _l("Flagged for"),
    "returned_on": _l("Returned on"),
    "return_reason": _l("Reason returned"),
    "return_import_id": _l("Returned by import"),
    "first_seen_at": _l("First seen"),
    "last_seen_at": _l("Last seen"),
    "seen_at": _l("Seen"),
    "user_agent": _l("Browser"),
    # what an account's events note (fundtrack.auth.events)
    "ip": _l("Address"),
    "user": _l("User"),
    "sessions_ended": _l("Sessions ended"),
    # what a grant report needs (issue 19)
    "volunteer_hour_rate": _l("Value of a volunteer hour"),
    "unspent_decision": _l("Money not used"),
    "unspent_amount": _l("Amount not used"),
    "spent_on": _l("Spent on"),
    "baseline": _l("Baseline"),
    "deadline": _l("Deadline"),
    "period_start": _l("Period from"),
    "period_end": _l("Period to"),
    "goal_id": _l("Goal"),
    "measured_on": _l("Measured on"),
    "given_on": _l("Month (any day of it)"),
    "hours": _l("Hours"),
    "valid_from": _l("From"),
    "rate": _l("Value of a volunteer hour"),
}

# Why a sign-in was refused (fundtrack.auth.views), as the audit trail shows it.
SIGN_IN_REFUSAL_LABELS = {
    "unknown": _l("unknown e-mail address"),
    "inactive": _l("account switched off"),
    "password": _l("wrong password"),
    "code": _l("wrong code"),
}

# ---- imports ---------------------------------------------------------------------------------

# The columns a bank file's rows are mapped to (fundtrack.imports.mapping.FIELDS).
IMPORT_FIELD_LABELS = {
    "date": _l("Date"), "amount": _l("Amount (+ in, − out)"), "amount_in": _l("Amount in"),
    "amount_out": _l("Amount out"), "direction": _l("In or out"), "name": _l("Name"),
    "iban": _l("IBAN of the payer"), "description": _l("Description"), "reference": _l("Reference"),
    "external_id": _l("Bank's id of the row"), "category": _l("Category"),
    "funds": _l("Earmarked fund(s)"),
}  # fmt: skip

# The kinds of file an import reads (fundtrack.imports.files.KINDS).
IMPORT_FILE_KIND_LABELS = {
    "camt053": _l("camt.053 bank statement"),
    "mt940": _l("MT940 bank statement"),
    "csv": _l("CSV file"),
    "xlsx": _l("Excel workbook"),
}

ONBOARDING_STATE_LABELS = {"booked": _l("imported"), "undone": _l("undone")}

# ---- the admin screens -----------------------------------------------------------------------

# A field by its code name, as screens, the audit trail and error messages name it.
COLUMN_LABELS = {
    "centre": _l("Centre"),
    "centre.code": _l("Centre"),
    "region": _l("Region"),
    "region.name": _l("Region"),
    "booking_date": _l("Booking date"),
    "fiscal_year": _l("Fiscal year"),
    "amount": _l("Amount"),
    "annual_amount": _l("Annual amount"),
    "currency": _l("Currency"),
    "category": _l("Category"),
    "kind": _l("Kind"),
    "year": _l("Year"),
    "funder": _l("Funder"),
    "donor": _l("Donor"),
    "agreement": _l("Agreement"),
    "earmarked_fund": _l("Earmarked fund"),
    "funds": _l("Split over earmarked funds"),
    "reference": _l("Reference"),
    "description": _l("Description"),
    "external_id": _l("External id"),
    "source": _l("Source"),
    "title": _l("Title"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
    "recurring": _l("Recurring"),
    "structural_override": _l("Override"),
    "override_reason": _l("Reason for the override"),
    "name": _l("Name"),
    "type": _l("Type"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "address": _l("Address"),
    "postcode": _l("Postcode"),
    "city": _l("City"),
    "iban": _l("IBAN"),
    "consent_contact": _l("May be contacted"),
    "consent_newsletter": _l("Receives the newsletter"),
    "purpose": _l("Purpose"),
    "code": _l("Code"),
    "municipality": _l("Municipality"),
    "active": _l("Active"),
    "locale": _l("Language"),
    "language": _l("Language"),
    "target": _l("Target"),
    "role": _l("Role"),
    "created_at": _l("Created"),
    "locked_at": _l("Closed on"),
    "locked_by_id": _l("Closed by (user id)"),
    "target_numerator": _l("Target (numerator)"),
    "target_denominator": _l("Target (denominator)"),
    "fiscal_year_start_month": _l("Fiscal year starts in month"),
    "at": _l("When"),
    "actor": _l("Who"),
    "action": _l("Action"),
    "entity": _l("Table"),
    "entity_id": _l("Row"),
    "centre_id": _l("Centre (id)"),
    "new_password": _l("New password (leave empty to keep)"),
    "grant": _l("Grant"),
    "auditor_statement_threshold": _l("Auditor's statement from (amount)"),
    "organisation_number": _l("Organisation number (KvK / Brønnøysund)"),
    "rsin": _l("RSIN (Dutch tax office)"),
    "creditor_id": _l("SEPA creditor identifier"),
    "funder_reference": _l("Funder's case number"),
    "signatory": _l("Signs the reports"),
    "last_digits": _l("National identity number (last digits)"),
    "consent_to_report": _l("Asked for gifts to be reported to the tax office"),
    "consent_recorded_on": _l("Asked on"),
    "donors": _l("Donors"),
    "total": _l("Total"),
    "produced_at": _l("Made at"),
    "produced_by_id": _l("Made by"),
    "updated_at": _l("Changed at"),
}

# The admin's menu entries, by the English name a view is registered under.
MENU_LABELS = {
    "Books": _l("Books"),
    "Network": _l("Network"),
    "Income": _l("Income"),
    "Costs": _l("Costs"),
    "Agreements": _l("Agreements"),
    "Donors": _l("Donors"),
    "Earmarked funds": _l("Earmarked funds"),
    "Funders": _l("Funders"),
    "Network settings": _l("Network settings"),
    "Regions": _l("Regions"),
    "Centres": _l("Centres"),
    "Closed years": _l("Closed years"),
    "Users": _l("Users"),
    "Audit log": _l("Audit log"),
    "Grants": _l("Grants"),
    "Grant applications": _l("Grant applications"),
}

# ---- files people download -------------------------------------------------------------------

# The first words of a downloaded file's name ("inkomsten-2026.xlsx"), by what it holds: a list
# of the admin is named as its menu entry is.
FILE_NAME_LABELS = {
    "income_lines": MENU_LABELS["Income"],
    "cost_lines": MENU_LABELS["Costs"],
    "donors": MENU_LABELS["Donors"],
    "funders": MENU_LABELS["Funders"],
    "earmarked_funds": MENU_LABELS["Earmarked funds"],
    "funding_agreements": MENU_LABELS["Agreements"],
    "grants": MENU_LABELS["Grant applications"],
    "audit_events": MENU_LABELS["Audit log"],
    "structural-funding": _l("structural funding"),
    "360giving-grants": _l("360Giving grants"),
    "sent-reports": _l("sent reports"),
    "fundtrack-onboarding": _l("fundtrack onboarding"),
    "donor": _l("donor"),
    "funding-report": _l("funding report"),
    "national-report": _l("national report"),
    "grant-report": _l("grant report"),
    "statement": _l("statement of income and expenditure"),
    "journal": _l("journal"),
    "agreement": _l("gift agreement"),
    "pain008": _l("direct debit collection"),
    "direct-debit-notices": _l("direct debit notices"),
    "gift-report": _l("gift report"),
    "giving-statement": _l("giving statement"),
}

# A picker left empty.
NONE = _l("(none)")

# Recurring gifts (fundtrack.giving)
FREQUENCY_LABELS = {
    "monthly": _l("monthly"),
    "quarterly": _l("quarterly"),
    "yearly": _l("yearly"),
}

PAYMENT_METHOD_LABELS = {
    "bank_transfer": _l("bank transfer"),
    "direct_debit": _l("direct debit"),
    "other": _l("other"),
}

GIFT_STATE_LABELS = {
    "running": _l("running"),
    "late": _l("late"),
    "lapsed": _l("lapsed"),
    "ended": _l("ended"),
}

AGREEMENT_KIND_LABELS = {
    "periodic_gift": _l("periodic gift (Netherlands)"),
    "pledge": _l("pledge (Norway)"),
}

SEQUENCE_LABELS = {"FRST": _l("first collection"), "RCUR": _l("recurring collection")}

# Why a bank returned, refused or refunded a direct debit: the ISO 20022 reason codes the EPC
# rulebook lets SEPA direct-debit R-transactions carry (fundtrack.giving.returns).
RETURN_REASON_LABELS = {
    "": _l("reason not given"),
    "AC01": _l("account number wrong"),
    "AC04": _l("account closed"),
    "AC06": _l("account blocked for direct debit"),
    "AC13": _l("account of a consumer, not a business"),
    "AG01": _l("direct debit not allowed on this account"),
    "AG02": _l("wrong transaction type"),
    "AM04": _l("insufficient funds"),
    "AM05": _l("collected twice"),
    "BE05": _l("creditor identifier wrong"),
    "CNOR": _l("creditor's bank cannot take it"),
    "DNOR": _l("debtor's bank cannot take it"),
    "FF01": _l("file format wrong"),
    "MD01": _l("no mandate"),
    "MD02": _l("mandate details missing or wrong"),
    "MD06": _l("refund requested by the debtor"),
    "MD07": _l("debtor deceased"),
    "MS02": _l("refused by the debtor"),
    "MS03": _l("refused by the bank, reason not given"),
    "RC01": _l("bank identifier wrong"),
    "RR01": _l("regulatory reason"),
    "RR02": _l("regulatory reason"),
    "RR03": _l("regulatory reason"),
    "RR04": _l("regulatory reason"),
    "SL01": _l("refused by a service of the debtor's bank"),
}

YEAR_STATE_LABELS = {
    "received": _l("received"),
    "missed": _l("missed"),
    "expected": _l("expected"),
}


# Accounts (issue 20): what a security notice tells the user happened.
SECURITY_NOTICE_LABELS = {
    "new_device": _l("A new device signed in to your account"),
    "mfa_on": _l("Your second sign-in step was set up"),
    "mfa_reset": _l("Your second sign-in step was reset by an administrator"),
    "codes_new": _l("New recovery codes were made for your account"),
}

# Grant reports (issue 19): what happens to money a project did not use.
UNSPENT_DECISION_LABELS = {
    "returned": _l("returned to the funder"),
    "to_return": _l("to be returned to the funder"),
    "kept": _l("kept with the funder's consent"),
}

# Gift reporting to the Norwegian tax office (fundtrack.giving.tax_report).
NATIONAL_ID_KIND_LABELS = {
    "fodselsnummer": _l("Norwegian national identity number (fødselsnummer)"),
    "d_number": _l("Norwegian D-number"),
    "organisation_number": _l("Norwegian organisation number"),
    "bsn": _l("Dutch citizen service number (BSN)"),
}

GIFT_REPORT_KIND_LABELS = {"ordinary": _l("first report"), "correction": _l("correction")}

# Why a donor with gifts in the year is, or is not, in the year's report.
GIFT_REPORT_REASON_LABELS = {
    "included": _l("reported"),
    "withdrawn": _l("reported before; withdrawn with 0"),
    "no_national_id": _l("no national identity number"),
    "not_norwegian": _l("no Norwegian number"),
    "no_consent": _l("did not ask to be reported"),
    "under_minimum": _l("under the minimum of NOK 500"),
}

# Why two donors are likely one person (fundtrack.income.duplicates).
DUPLICATE_REASON_LABELS = {
    "iban": _l("same IBAN"),
    "email": _l("same e-mail address"),
    "address": _l("same postcode and house number"),
    "name": _l("same name"),
}

# ---- every table by its kind -----------------------------------------------------------------

# Kind -> table. An enum column's kind is its type's name (`enum_column(Enum, name)`); the
# other kinds are codes of a fixed set that are not enums (audit actions, row kinds).
TABLES = {
    "duplicate_reason": DUPLICATE_REASON_LABELS,
    "income_category": CATEGORY_LABELS,
    "income_source": INCOME_SOURCE_LABELS,
    "funder_type": FUNDER_TYPE_LABELS,
    "rule_funder_type": FUNDER_TYPE_LABELS,
    "donor_kind": DONOR_KIND_LABELS,
    "cost_kind": COST_KIND_LABELS,
    "cost_category": COST_CATEGORY_LABELS,
    "costs_basis": BASIS_LABELS,
    "warning_cause": WARNING_CAUSE_LABELS,
    "row_kind": ROW_KIND_LABELS,
    "grant_state": GRANT_STATE_LABELS,
    "from_state": GRANT_STATE_LABELS,
    "to_state": GRANT_STATE_LABELS,
    "goal_kind": GOAL_KIND_LABELS,
    "report_kind": REPORT_KIND_LABELS,
    "job_state": JOB_STATE_LABELS,
    "language": LANGUAGE_LABELS,
    "role": ROLE_LABELS,
    "scope": TOKEN_SCOPE_LABELS,
    "audit_action": AUDIT_ACTION_LABELS,
    "audit_entity": AUDIT_ENTITY_LABELS,
    "sign_in_refusal": SIGN_IN_REFUSAL_LABELS,
    "import_field": IMPORT_FIELD_LABELS,
    "import_file_kind": IMPORT_FILE_KIND_LABELS,
    "onboarding_state": ONBOARDING_STATE_LABELS,
    "file_name": FILE_NAME_LABELS,
    "yearend_cost_category": COST_CATEGORY_LABELS,
    "expense_group": EXPENSE_GROUP_LABELS,
    "posting_side": POSTING_SIDE_LABELS,
    "gift_frequency": FREQUENCY_LABELS,
    "payment_method": PAYMENT_METHOD_LABELS,
    "gift_state": GIFT_STATE_LABELS,
    "gift_agreement_kind": AGREEMENT_KIND_LABELS,
    "agreement_year_state": YEAR_STATE_LABELS,
    "sepa_sequence": SEQUENCE_LABELS,
    "return_reason": RETURN_REASON_LABELS,
    "security_notice": SECURITY_NOTICE_LABELS,
    "unspent_decision": UNSPENT_DECISION_LABELS,
    "national_id_kind": NATIONAL_ID_KIND_LABELS,
    "gift_report_kind": GIFT_REPORT_KIND_LABELS,
    "gift_report_reason": GIFT_REPORT_REASON_LABELS,
}

# Text columns that hold a code of a fixed set (a CHECK ... IN constraint, or written by one
# module only) and the kind of code: the audit trail words their old and new values.
CODE_COLUMNS = {
    ("api_tokens", "scope"): "scope",
    ("report_drafts", "language"): "language",
    ("sent_reports", "language"): "language",
    ("giving_statements", "language"): "language",
    ("donors", "language"): "language",
    ("users", "reason"): "sign_in_refusal",  # a refused sign-in's event (fundtrack.auth.views)
    ("imports", "kind"): "import_file_kind",
    ("security_notices", "kind"): "security_notice",
    ("collection_items", "return_reason"): "return_reason",
    ("mandates", "flag_reason"): "return_reason",
}


def language_name(code: str | None) -> str:
    """A language or locale code ('nl', 'nb_NO') as its speakers name it: 'Nederlands',
    'Norsk bokmål (Norge)'; the code itself when Babel does not know it."""
    from babel import Locale, UnknownLocaleError

    if not code:
        return ""
    try:
        locale = Locale.parse(code)
    except (TypeError, ValueError, UnknownLocaleError):
        return code
    name = locale.get_display_name(locale) or code
    return name[:1].upper() + name[1:]


def table_for(kind: str) -> dict:
    """The table of `kind` (see `TABLES`; the import states' table stands with the imports'
    refusals at the end of this module)."""
    if kind == "import_state":
        return IMPORT_STATE_LABELS
    return TABLES[kind]


def enum_tables() -> dict[type, dict]:
    """Every enum class of the models and the table that words its values (imported here,
    not at the top: the models import modules that import this one)."""
    from fundtrack.audit.models import AuditAction
    from fundtrack.auth.models import Role
    from fundtrack.costs.models import CostCategory, CostKind
    from fundtrack.giving.models import AgreementKind, Frequency, PaymentMethod
    from fundtrack.giving.sepa_models import Sequence
    from fundtrack.giving.tax_models import GiftReportKind, NationalIdKind
    from fundtrack.grants.models import GoalKind, GrantState, ReportKind, UnspentDecision
    from fundtrack.imports.models import ImportState
    from fundtrack.imports.onboarding.models import OnboardingState
    from fundtrack.income.models import DonorKind, FunderType, IncomeCategory, IncomeSource
    from fundtrack.reports.models import JobState
    from fundtrack.yearend.models import ExpenseGroup, PostingSide

    return {
        IncomeCategory: CATEGORY_LABELS,
        IncomeSource: INCOME_SOURCE_LABELS,
        FunderType: FUNDER_TYPE_LABELS,
        DonorKind: DONOR_KIND_LABELS,
        CostKind: COST_KIND_LABELS,
        CostCategory: COST_CATEGORY_LABELS,
        GrantState: GRANT_STATE_LABELS,
        GoalKind: GOAL_KIND_LABELS,
        ReportKind: REPORT_KIND_LABELS,
        JobState: JOB_STATE_LABELS,
        Role: ROLE_LABELS,
        AuditAction: AUDIT_ACTION_LABELS,
        ImportState: table_for("import_state"),
        OnboardingState: ONBOARDING_STATE_LABELS,
        ExpenseGroup: EXPENSE_GROUP_LABELS,
        PostingSide: POSTING_SIDE_LABELS,
        Frequency: FREQUENCY_LABELS,
        PaymentMethod: PAYMENT_METHOD_LABELS,
        AgreementKind: AGREEMENT_KIND_LABELS,
        UnspentDecision: UNSPENT_DECISION_LABELS,
        Sequence: SEQUENCE_LABELS,
        NationalIdKind: NATIONAL_ID_KIND_LABELS,
        GiftReportKind: GIFT_REPORT_KIND_LABELS,
    }


def label(value, kind: str | None = None) -> str:
    """A code in words: by `kind` (a key of `TABLES`), or for an enum member by its class.
    Empty for None."""
    if value is None:
        return ""
    if kind is not None:
        return label_of(table_for(kind), value)
    table = enum_tables().get(type(value))
    if table is None:
        raise KeyError(f"no table of words for {type(value).__name__} {value!r}: name its kind")
    return label_of(table, value)


def enum_label(kind: str, value):
    """An enum column's code in words, by the column type's name (a cost's "other" is not
    income's); lazy words stay lazy (forms are built once, the language per request)."""
    code = getattr(value, "value", value)
    if code is None:
        return ""
    return table_for(kind).get(code) or str(code).replace("_", " ").capitalize()


# Refusals of income, imports, costs, centres and the share (issue 18): the kinds of row a
# refusal names ("no funder with id 7", "this centre still has 3 income lines").
ROW_LABELS = {
    "centre": _l("centre"),
    "region": _l("region"),
    "funder": _l("funder"),
    "donor": _l("donor"),
    "agreement": _l("agreement"),
    "funding agreement": _l("funding agreement"),
    "earmarked fund": _l("earmarked fund"),
    "fund": _l("earmarked fund"),
    "income line": _l("income line"),
    "cost line": _l("cost line"),
    "grant": _l("grant"),
    "line": _l("line"),
}
ROWS_LABELS = {
    "centres": _l("centres"),
    "income lines": _l("income lines"),
    "merged donors": _l("donors merged into it"),
    "cost lines": _l("cost lines"),
    "funding agreements": _l("funding agreements"),
    "years with actual costs declared complete": _l("years with actual costs declared complete"),
}
# An import's state, what a payer was matched to, and how (moved from imports/wording.py).
IMPORT_STATE_LABELS = {
    "uploaded": _l("uploaded"), "previewing": _l("being read"), "previewed": _l("previewed"),
    "booking": _l("being booked"), "booked": _l("booked"), "undone": _l("undone"),
    "failed": _l("failed"), "abandoned": _l("left without booking"),
}  # fmt: skip
MATCH_KIND_LABELS = {
    "donor": _l("donor"), "funder": _l("funder"), "agreement": _l("agreement"),
    "new_donor": _l("new donor"),
}  # fmt: skip
MATCHED_BY_LABELS = {
    "iban": _l("by IBAN"), "name": _l("by name"), "choice": _l("as you chose"),
    "remembered": _l("as chosen before"),
}  # fmt: skip
# A report built in the background, as the API's refusal names its state.
REPORT_JOB_STATE_LABELS = {
    "queued": _l("queued"), "running": _l("being made"), "done": _l("done"), "failed": _l("failed"),
}  # fmt: skip
# Fields a refusal names by another name than the screens' column (`date` is the booking date).
_FIELD_NAMES = {"date": "booking_date", "fund": "earmarked_fund"}


def field_label(field: str) -> str:
    """A field or an imported file's column as the screens name it, in the reader's words:
    `date` is "Booking date"; a column of the file itself (`Amt`, `:61:`) as the file has it."""
    return str(COLUMN_LABELS.get(_FIELD_NAMES.get(field, field), field.replace("_", " ")))


def refusal_text(error: Exception) -> str:
    """A refusal as a screen says it, in the reader's words: "Booking date: fiscal year 2025
    is closed; …" (the field by its name on the screens, never its code); an error that is
    not one of ours (a library's ValueError) as it came."""
    from flask_babel import gettext

    field, message = getattr(error, "field", ""), getattr(error, "message", None)
    if message is None:
        return str(error)
    if not field:
        return str(message)
    return gettext("%(column)s: %(message)s", column=field_label(field), message=message)
