"""The donors' screens for one person each: likely duplicates, two donors side by side with
the field values to keep, the merge, and its undo (fundtrack.income.merge does the work)."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from fundtrack.auth.access import load_visible, visible
from fundtrack.errors import DomainError, NotFound
from fundtrack.extensions import db
from fundtrack.income.duplicates import likely_duplicates
from fundtrack.income.merge import donor_references, merge_donors, merge_fields, undo_merge
from fundtrack.income.merge_models import DonorMerge
from fundtrack.income.models import Donor
from fundtrack.labels import (
    AUDIT_ENTITY_LABELS,
    DUPLICATE_REASON_LABELS,
    enum_label,
    field_label,
    label_of,
    refusal_text,
)
from fundtrack.operations import centre_by_code

RECENT = 20  # merges shown under the pairs, the latest first


def _shown(field: str, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if field == "kind":
        return str(enum_label("donor_kind", value))
    return str(value)


def _what_moves(donor: Donor) -> list[tuple[str, int]]:
    """The rows referring to `donor`, counted per table (one count per table that refers to
    donors), as the merge would move them."""
    found = []
    for table, column in donor_references():
        count = db.session.scalar(select(func.count()).select_from(table).where(column == donor.id))
        if count:
            found.append((label_of(AUDIT_ENTITY_LABELS, table.name), count))
    return found


class DonorMergeScreens:
    """Mixed into the admin's donor view: /duplicates/, /merge/ and /merge/undo/."""

    @expose("/duplicates/")
    def duplicates_view(self):
        """Pairs of donors that are likely one person: a treasurer's centre, or any (a centre
        chosen by code) for the national office; the latest merges with their undo."""
        user = current_user._get_current_object()
        centre = None
        if request.args.get("centre"):
            try:
                centre = centre_by_code(db.session, user, request.args["centre"])
            except DomainError:
                abort(404)
        pairs = likely_duplicates(db.session, user, centre.id if centre else None)
        recent = visible(DonorMerge, user)
        if centre is not None:
            recent = recent.where(DonorMerge.centre_id == centre.id)
        merges = db.session.scalars(
            recent.options(selectinload(DonorMerge.survivor), selectinload(DonorMerge.merged))
            .order_by(DonorMerge.id.desc())
            .limit(RECENT)
        ).all()
        return self.render(
            "admin/donor_duplicates.html", pairs=pairs, merges=merges, centre=centre,
            may_merge=self._writes, reasons=DUPLICATE_REASON_LABELS, label_of=label_of,
        )  # fmt: skip

    @expose("/merge/", methods=("GET", "POST"))
    def merge_view(self):
        """Two donors side by side: which one stays, which value of each field it keeps."""
        user = current_user._get_current_object()
        survivor = load_visible(db.session, Donor, request.values.get("survivor"), user)
        merged = load_visible(db.session, Donor, request.values.get("merged"), user)
        if not self._writes:
            abort(403)
        fields = merge_fields()
        if request.method == "POST":
            chosen = [f for f in fields if request.form.get(f"keep-{f}") == "merged"]
            try:
                merge_donors(db.session, user, survivor, merged, chosen)
                db.session.commit()
            except DomainError as error:
                db.session.rollback()
                flash(refusal_text(error), "error")
            else:
                flash(gettext("%(merged)s is merged into %(survivor)s; every gift, recurring"
                              " gift, mandate and agreement is kept.",
                              merged=merged.name, survivor=survivor.name), "success")  # fmt: skip
                return redirect(url_for(".duplicates_view"))
        rows = [
            {
                "field": f,
                "label": field_label(f),
                "survivor": _shown(f, getattr(survivor, f)),
                "merged": _shown(f, getattr(merged, f)),
                # The merged donor's value where the survivor has none, as the merge does.
                "take": getattr(survivor, f) in (None, "") and getattr(merged, f) not in (None, ""),
                "same": getattr(survivor, f) == getattr(merged, f),
            }
            for f in fields
        ]
        return self.render(
            "admin/donor_merge.html", survivor=survivor, merged=merged, rows=rows,
            moves=_what_moves(merged),
        )  # fmt: skip

    @expose("/merge/undo/", methods=("POST",))
    def undo_merge_view(self):
        """Undo a merge while its fiscal year is open."""
        user = current_user._get_current_object()
        try:
            record = load_visible(db.session, DonorMerge, request.form.get("id"), user)
        except NotFound:
            abort(404)
        if not self._writes:
            abort(403)
        try:
            undo_merge(db.session, user, record)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            flash(refusal_text(error), "error")
        else:
            flash(gettext("The merge is undone: both donors are as they were."), "success")
        return redirect(url_for(".duplicates_view"))
