"""Every enum value and code a person reads, in words: the one home of these tables.

Screens, exports, PDFs, the audit trail and error messages all say a stored code through
`label_of(TABLE, value)`, never by showing the code. Each table is named `<KIND>_LABELS` and
is lazy, because the words are chosen per request (the reader's language), not at import.
"""

from flask_babel import lazy_gettext as _l


def label_of(labels: dict, value) -> str:
    code = getattr(value, "value", value)
    if code is None:
        return ""
    return str(labels.get(code, str(code).replace("_", " ")))


# Display names a treasurer recognises for the stored codes (RJ 650 income categories), in
# the user's UI language: lazy, because the words are chosen per request, not at import.
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

BASIS_LABELS = {
    "actual": _l("actual costs"),
    "budget": _l("budget"),
    "mixed": _l("actual and budget"),
    "none": _l("no costs"),
}

ROLE_LABELS = {
    "admin": _l("administrator"),
    "national": _l("national office"),
    "treasurer": _l("treasurer"),
    "auditor": _l("auditor"),
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


# Accounts (issue 20): what a security notice tells the user happened.
SECURITY_NOTICE_LABELS = {
    "new_device": _l("A new device signed in to your account"),
    "mfa_on": _l("Your second sign-in step was set up"),
    "mfa_reset": _l("Your second sign-in step was reset by an administrator"),
    "codes_new": _l("New recovery codes were made for your account"),
}
