"""The agreement form as a PDF: what the donor and the centre sign.

The Dutch periodic gift follows the sections of the Belastingdienst's own form
("Overeenkomst periodieke giften in geld"): the gift, its term, the donor, the institution
with its RSIN and the transaction number, the payment, and both signatures. The donor's
BSN is written on the paper by hand: fundtrack does not keep it. A Norwegian pledge
(givaravtale) has the same parts without the RSIN. Built as a plain dict by
`agreement_form`, rendered by fundtrack.reports.render.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from fundtrack.auth.models import User
from fundtrack.errors import NotFound
from fundtrack.giving.agreement_queries import gift_agreement
from fundtrack.giving.models import GiftAgreement
from fundtrack.labels import PAYMENT_METHOD_LABELS, label_of
from fundtrack.reports.render import in_language, render_pdf

TEMPLATE = "giving/agreement_form.html"
LANGUAGE_OF_KIND = {"periodic_gift": "nl", "pledge": "nb"}


def agreement_form(session: Session, user: User, agreement_id: int) -> dict:
    """The values the form shows, for an agreement the user may see (else NotFound)."""
    row = gift_agreement(session, user, agreement_id)
    if row is None:
        raise NotFound("id", _l("no gift agreement with id %(id)s", id=agreement_id))
    agreement = session.get(GiftAgreement, agreement_id)
    donor, centre, gift = agreement.gift.donor, agreement.centre, agreement.gift
    return {
        "kind": row.kind,
        "transaction_number": row.transaction_number,
        "amount": row.amount,
        "currency": row.currency,
        "years": row.years,
        "start": row.start_date,
        "first_year": row.start_date.year,
        "end": row.end_date,
        "donor": {
            "name": donor.name,
            "address": donor.address or "",
            "postcode": donor.postcode or "",
            "city": donor.city or "",
            "email": donor.email or "",
            "iban": donor.iban or "",
        },  # fmt: skip
        "centre": {
            "name": centre.name,
            "municipality": centre.municipality,
            "rsin": centre.rsin,
            "organisation_number": centre.organisation_number,
        },  # fmt: skip
        "payment_method": label_of(PAYMENT_METHOD_LABELS, gift.payment_method),
        "donor_signed_on": row.donor_signed_on,
        "centre_signed_on": row.centre_signed_on,
        "centre_signatory": agreement.centre_signatory,
        "organisation": centre.name,
    }


def agreement_pdf(
    session: Session, user: User, agreement_id: int, language: str | None = None
) -> bytes:
    """The form as PDF bytes: Dutch for a periodic gift, Norwegian for a pledge, unless
    another language is asked for."""
    data = agreement_form(session, user, agreement_id)
    language = language or LANGUAGE_OF_KIND[data["kind"]]
    with in_language(language):
        return render_pdf(TEMPLATE, lang=language, issued_on=date.today(), **data)
