"""Admin screens whose writes go through the domain operations, exactly as the API's do."""

from flask import flash
from flask_login import current_user

from fundtrack.admin.base import SecureModelView
from fundtrack.errors import DomainError
from fundtrack.extensions import db


def _id(row) -> int | None:
    return row.id if row is not None else None


class OperationsView(SecureModelView):
    """Create, update and delete call `create`, `update` and `delete` with plain values.

    Subclasses name the three operations and say how a form becomes those values.
    """

    def values(self, form) -> dict:
        raise NotImplementedError

    def create(self, session, user, values):
        raise NotImplementedError

    def update(self, session, user, row, values):
        raise NotImplementedError

    def delete(self, session, user, row):
        raise NotImplementedError

    def _run(self, action):
        try:
            result = action(db.session, current_user._get_current_object())
            db.session.commit()
            return result, True
        except Exception as error:
            db.session.rollback()
            if not self.handle_view_exception(error):
                raise
            return None, False

    def create_model(self, form):
        row, done = self._run(lambda s, u: self.create(s, u, self.values(form)))
        if done:
            self.after_model_change(form, row, True)
            return row
        return False

    def update_model(self, form, model):
        _row, done = self._run(lambda s, u: self.update(s, u, model, self.values(form)))
        if done:
            self.after_model_change(form, model, False)
        return done

    def delete_model(self, model):
        _none, done = self._run(lambda s, u: self.delete(s, u, model))
        if done:
            self.after_model_delete(model)
        return done

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, DomainError):
            flash(str(exc), "error")
            return True
        return super().handle_view_exception(exc)


class IncomeOperations(OperationsView):
    def values(self, form) -> dict:
        return {
            "centre": form.centre.data.code if form.centre.data else None,
            "date": form.booking_date.data,
            "amount": form.amount.data,
            "category": form.category.data,
            "funder": _id(form.funder.data),
            "donor": _id(form.donor.data),
            "agreement": _id(form.agreement.data),
            "fund": _id(form.earmarked_fund.data),
            "reference": form.reference.data or "",
            "description": form.description.data or "",
            "external_id": form.external_id.data or None,
        }

    def create(self, session, user, values):
        from fundtrack.income.operations import book_income

        return book_income(session, user, values)

    def update(self, session, user, row, values):
        from fundtrack.income.operations import update_income

        return update_income(session, user, row, values)

    def delete(self, session, user, row):
        from fundtrack.income.operations import delete_income

        delete_income(session, user, row)


class CostOperations(OperationsView):
    def values(self, form) -> dict:
        return {
            "centre": form.centre.data.code if form.centre.data else None,
            "year": form.year.data,
            "kind": form.kind.data,
            "category": form.category.data,
            "amount": form.amount.data,
            "description": form.description.data or "",
        }

    def create(self, session, user, values):
        from fundtrack.costs.operations import record_cost

        return record_cost(session, user, values)

    def update(self, session, user, row, values):
        from fundtrack.costs.operations import update_cost

        return update_cost(session, user, row, values)

    def delete(self, session, user, row):
        from fundtrack.costs.operations import delete_cost

        delete_cost(session, user, row)
