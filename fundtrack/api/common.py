"""What every resource module shares: its blueprint, pagination, and one transaction per write."""

import math
from collections.abc import Callable
from typing import TypeVar

import marshmallow as ma
from flask import current_app
from flask_smorest import Blueprint
from sqlalchemy import Select, func, select

from fundtrack.api.auth import require_token
from fundtrack.api.errors import register_domain_errors
from fundtrack.auth.access import get_visible
from fundtrack.errors import NotFound
from fundtrack.extensions import csrf, db
from fundtrack.operations import MAX_ID

PREFIX = "/api/v1"
T = TypeVar("T")


def api_blueprint(name: str, path: str, description: str) -> Blueprint:
    """A resource's blueprint under /api/v1: token required, JSON errors, no CSRF (no cookies)."""
    blueprint = Blueprint(name, __name__, url_prefix=PREFIX + path, description=description)
    blueprint.before_request(require_token)
    register_domain_errors(blueprint)
    csrf.exempt(blueprint)
    return blueprint


def visible_or_404(model, row_id: int, user, label: str):
    """The row the user may see, or NotFound: another centre's row is answered as unknown."""
    row = get_visible(db.session, model, row_id, user) if 0 < row_id <= MAX_ID else None
    if row is None:
        raise NotFound("id", f"no {label} with id {row_id}")
    return row


def saved(work: Callable[[], T]) -> T:
    """Run a change in a savepoint and commit it; on any error nothing of it remains."""
    with db.session.begin_nested():
        result = work()
    db.session.commit()
    return result


class PageArgs(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(1, 1_000_000))
    page_size = ma.fields.Integer(
        load_default=50,
        validate=ma.validate.Range(1, 1_000_000),
        metadata={"description": "Items per page; capped at the server's maximum (500)."},
    )


class PageSchema(ma.Schema):
    page = ma.fields.Integer(required=True)
    page_size = ma.fields.Integer(required=True, metadata={"description": "after the cap"})
    total = ma.fields.Integer(required=True, metadata={"description": "items matching"})
    pages = ma.fields.Integer(required=True)


def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The schema of a page of items: {items, page, page_size, total, pages}."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(name, (PageSchema,), {"items": ma.fields.List(ma.fields.Nested(item_schema))})


def paginate(stmt: Select, args: dict, *order_by) -> dict:
    """One page of `stmt` in a stable order, with the counts a client needs to page on."""
    size = min(args["page_size"], current_app.config["API_PAGE_SIZE_MAX"])
    page = args["page"]
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = db.session.scalars(stmt.order_by(*order_by).limit(size).offset((page - 1) * size))
    return {
        "items": list(items),
        "page": page,
        "page_size": size,
        "total": total,
        "pages": math.ceil(total / size),
    }
