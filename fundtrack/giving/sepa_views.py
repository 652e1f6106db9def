"""Direct debit on screen: a centre's collections, a collection made for a date, its pain.008
file and the pre-notification letters, and the bank's credit booked (the mandates have their
own pages: fundtrack.giving.mandate_views)."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import case, func, select
from wtforms.validators import InputRequired

from fundtrack.auth.access import NotAllowed, load_visible
from fundtrack.downloads import download
from fundtrack.errors import DomainError
from fundtrack.extensions import db
from fundtrack.forms import DayField
from fundtrack.giving.sepa import book_collection, create_collection, pain_008
from fundtrack.giving.sepa_models import Collection, CollectionItem, Mandate
from fundtrack.giving.views import bp, centre_shown
from fundtrack.reports.render import in_language, render_pdf


class CollectionForm(FlaskForm):
    collection_date = DayField(_l("Collection date"), validators=[InputRequired()])


class BookForm(FlaskForm):
    booking_date = DayField(_l("Credited on"), validators=[InputRequired()])


def masked(iban: str) -> str:
    """An IBAN as a letter shows it: country and the last four digits."""
    return f"{iban[:2]}** **** {iban[-4:]}" if len(iban) > 8 else iban


def _collections(centre_id: int) -> list:
    first = case((CollectionItem.sequence == "FRST", 1), else_=0)
    return session_rows(
        select(
            Collection.id,
            Collection.collection_date,
            Collection.message_id,
            func.count(CollectionItem.id),
            func.coalesce(func.sum(CollectionItem.amount), 0),
            func.coalesce(func.sum(first), 0),
        )  # fmt: skip
        .outerjoin(CollectionItem, CollectionItem.collection_id == Collection.id)
        .where(Collection.centre_id == centre_id)
        .group_by(Collection.id, Collection.collection_date, Collection.message_id)
        .order_by(Collection.collection_date.desc(), Collection.id.desc())
    )


def session_rows(stmt) -> list:
    return db.session.execute(stmt).all()


@bp.route("/collections", methods=["GET", "POST"])
@login_required
def collections():
    """A centre's collections, and the form that makes a collection."""
    centre = centre_shown()
    if centre is None:
        return render_template("giving/collections.html", centre=None, form=None)
    may_collect = current_user.can_manage(centre.id)
    form = CollectionForm() if may_collect else None
    if request.method == "POST":
        if form is None:
            abort(403)
        if form.validate_on_submit():
            try:
                made = create_collection(
                    db.session, current_user, centre, form.collection_date.data
                )
                db.session.commit()
            except NotAllowed:
                db.session.rollback()
                abort(403)
            except DomainError as error:
                db.session.rollback()
                form.collection_date.errors = [str(error.message)]
            else:
                flash(gettext("The collection is ready: download its file for the bank."),
                      "success")  # fmt: skip
                return redirect(url_for("giving.collections", centre=centre.code, made=made.id))
    flagged = db.session.scalar(
        select(func.count(Mandate.id)).where(
            Mandate.centre_id == centre.id, Mandate.flagged_on.is_not(None),
            Mandate.revoked_on.is_(None),
        )
    )  # fmt: skip
    return render_template(
        "giving/collections.html", centre=centre, form=form, flagged=flagged,
        collections=_collections(centre.id), book_form=BookForm(),
        may_collect=may_collect,
    )  # fmt: skip


def _collection(collection_id: int) -> Collection:
    return load_visible(db.session, Collection, collection_id, current_user)


@bp.route("/collections/<int:collection_id>/pain008.xml")
@login_required
def collection_file(collection_id: int):
    """The collection's pain.008.001.08 file, to upload in the bank's portal."""
    collection = _collection(collection_id)
    return download(
        pain_008(collection), "pain008", collection.centre.code,
        collection.collection_date.isoformat(), kind="xml",
    )  # fmt: skip


@bp.route("/collections/<int:collection_id>/notices.pdf")
@login_required
def collection_notices(collection_id: int):
    """The pre-notification letters, one page per donor, in the centre's language."""
    collection = _collection(collection_id)
    centre = collection.centre
    letters = [
        {
            "name": item.mandate.donor.name,
            "address": item.mandate.donor.address or "",
            "town": f"{item.mandate.donor.postcode or ''} {item.mandate.donor.city or ''}".strip(),
            "amount": item.amount,
            "iban": masked(item.mandate.iban),
            "mandate": item.mandate.reference,
            "first": item.sequence.value == "FRST",
            "due": item.instalment.due_date,
        }
        for item in collection.items
    ]
    with in_language("nl"):
        pdf = render_pdf(
            "giving/prenotification.html", lang="nl", letters=letters,
            centre={"name": centre.name, "creditor_id": centre.creditor_id},
            collection_date=collection.collection_date, organisation=centre.name,
            title=gettext("Direct debit notice"), issued_on=date.today(),
        )  # fmt: skip
    return download(pdf, "direct-debit-notices", centre.code,
                    collection.collection_date.isoformat(), kind="pdf")  # fmt: skip


@bp.route("/collections/<int:collection_id>/book", methods=["POST"])
@login_required
def collection_book(collection_id: int):
    """The bank credited the collection: each item's instalment paid by its own line."""
    collection = _collection(collection_id)
    form = BookForm()
    if not current_user.can_manage(collection.centre_id):
        abort(403)
    if form.validate_on_submit():
        try:
            lines = book_collection(db.session, current_user, collection, form.booking_date.data)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            flash(gettext("%(count)s gifts booked.", count=len(lines)), "success")
    else:
        flash(gettext("Give the date the bank credited the collection."), "error")
    return redirect(url_for("giving.collections", centre=collection.centre.code))
