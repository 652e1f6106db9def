"""What every resource module shares: its blueprint, pagination, and one transaction per write."""

import math
from collections.abc import Callable
from http import HTTPStatus
from typing import TypeVar

import marshmallow as ma
from flask import current_app, request
from flask_smorest import Blueprint
from sqlalchemy import Select, func, select

from fundtrack.api.auth import require_token
from fundtrack.api.errors import register_domain_errors
from fundtrack.extensions import csrf, db

PREFIX = "/api/v1"
T = TypeVar("T")


def error_statuses(method: str, query_arguments: bool) -> tuple[HTTPStatus, ...]:
    """The error statuses an operation answers.

    Every call may lack a token (401). A row's own path answers 404 (those paths take no
    query arguments; lists do, and answer 422 for bad ones). Writes may be refused for the
    role (403) or clash (409); bodies may be malformed (400), not JSON (415) or invalid (422).
    """
    statuses = [HTTPStatus.UNAUTHORIZED]
    if method in ("patch", "put", "delete") or (method == "get" and not query_arguments):
        statuses.append(HTTPStatus.NOT_FOUND)
    if method in ("post", "patch", "put", "delete"):
        statuses += [HTTPStatus.FORBIDDEN, HTTPStatus.CONFLICT]
    if method in ("post", "patch", "put"):
        statuses += [
            HTTPStatus.BAD_REQUEST,
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            HTTPStatus.UNPROCESSABLE_ENTITY,
        ]
    return tuple(statuses)


class ApiBlueprint(Blueprint):
    """A flask-smorest blueprint whose document lists every error status its views answer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepare_doc_cbks.append(self._prepare_error_doc)

    @staticmethod
    def _prepare_error_doc(doc, doc_info, *, method, **kwargs):
        responses = doc.setdefault("responses", {})
        for status in error_statuses(method, "arguments" in doc_info):
            if status.value not in responses and str(status.value) not in responses:
                # A name refers to flask-smorest's response component for that status.
                responses[status.value] = status.name
        return doc


def require_json_body():
    """before_request: a write's body must be JSON, else 415 (not a puzzling 'missing field')."""
    from fundtrack.api.errors import error_response

    if request.method in ("POST", "PATCH", "PUT") and not request.is_json:
        return error_response(415, "Send the body as JSON: Content-Type: application/json.")
    return None


def api_blueprint(name: str, path: str, description: str) -> Blueprint:
    """A resource's blueprint under /api/v1: token required, JSON errors, no CSRF (no cookies)."""
    blueprint = ApiBlueprint(name, __name__, url_prefix=PREFIX + path, description=description)
    blueprint.before_request(require_token)
    blueprint.before_request(require_json_body)
    register_domain_errors(blueprint)
    csrf.exempt(blueprint)
    return blueprint


def storable_code(code: str) -> bool:
    """Whether a code from a path could be stored at all (PostgreSQL refuses NUL in text)."""
    return "\x00" not in code


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


def page_window(args: dict) -> tuple[int, int]:
    """The page asked for and its size, capped at API_PAGE_SIZE_MAX."""
    return args["page"], min(args["page_size"], current_app.config["API_PAGE_SIZE_MAX"])


def page_answer(items, page: int, size: int, total: int) -> dict:
    """A page of items with the counts a client needs to page on (`page_of`'s shape)."""
    return {"items": list(items), "page": page, "page_size": size, "total": total,
            "pages": math.ceil(total / size)}  # fmt: skip


def paginate(stmt: Select, args: dict, *order_by) -> dict:
    """One page of `stmt` in a stable order, with the counts a client needs to page on."""
    page, size = page_window(args)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = db.session.scalars(stmt.order_by(*order_by).limit(size).offset((page - 1) * size))
    return page_answer(items, page, size, total)
