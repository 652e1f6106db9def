"""The record of a donor merged into another: enough to show it and to undo it exactly."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundtrack.centres.models import Centre
from fundtrack.extensions import db
from fundtrack.income.models import Donor


class DonorMerge(db.Model):
    """Donor `merged_id` merged into `survivor_id` (fundtrack.income.merge).

    `moved` lists exactly which rows moved from the merged donor to the survivor, as
    [{"table", "column", "keys": [[primary key values], ...]}]; `kept` the rows that stayed
    with the merged donor because the survivor has its own (a one-per-donor table);
    `survivor_before` and `survivor_after` the survivor's fields the merge changed.
    """

    __tablename__ = "donor_merges"
    __table_args__ = (Index("ix_donor_merges_centre_at", "centre_id", "merged_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    # A donor deleted later (unmerged and unused by then) takes its merge records with it.
    survivor_id: Mapped[int] = mapped_column(
        ForeignKey("donors.id", ondelete="CASCADE"), index=True
    )
    merged_id: Mapped[int] = mapped_column(ForeignKey("donors.id", ondelete="CASCADE"), index=True)
    merged_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # The network's fiscal year the merge was made in: undone only while it is open.
    fiscal_year: Mapped[int]
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    moved: Mapped[list] = mapped_column(JSON)
    kept: Mapped[list] = mapped_column(JSON)
    survivor_before: Mapped[dict] = mapped_column(JSON)
    survivor_after: Mapped[dict] = mapped_column(JSON)
    undone_at: Mapped[datetime | None]
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    centre: Mapped[Centre] = relationship()
    survivor: Mapped[Donor] = relationship(foreign_keys=[survivor_id])
    merged: Mapped[Donor] = relationship(foreign_keys=[merged_id])
