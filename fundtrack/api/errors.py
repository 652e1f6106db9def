"""Every API error as JSON: {code, status, message, errors{field: [messages]}}.

Status codes: 400 malformed JSON; 401 no valid token; 403 the role may not; 404 unknown, or
another centre's row (the same answer, so nothing leaks); 409 a duplicate (`existing_id`
names the stored row), a row still in use, or a closed fiscal year; 422 invalid values,
naming each field (and the item's index in a batch).
"""

import marshmallow as ma
from flask import Flask, jsonify, request
from flask_babel import gettext
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from fundtrack import API_PREFIX
from fundtrack.centres.models import NetworkMissing
from fundtrack.errors import (
    Conflict,
    NotAllowed,
    NotFound,
    ValidationError,
    YearLocked,
    field_and_message,
    in_words,
)


class ErrorSchema(ma.Schema):
    """The body of every error response."""

    code = ma.fields.Integer(metadata={"description": "HTTP status code"})
    status = ma.fields.String(metadata={"description": "HTTP status name"})
    message = ma.fields.String(metadata={"description": "What went wrong, for a person"})
    errors = ma.fields.Dict(
        metadata={"description": "Failing fields and their messages; batches by item index"}
    )
    existing_id = ma.fields.Integer(metadata={"description": "409: the row already stored"})
    reason = ma.fields.String(
        metadata={"description": "The refusal as a stable word for programs (year_closed, …)"}
    )


def error_response(code: int, message: str, errors: dict | None = None, **extra):
    from werkzeug.http import HTTP_STATUS_CODES

    body = {"code": code, "status": HTTP_STATUS_CODES.get(code, "Error"), "message": str(message)}
    if errors:
        body["errors"] = in_words(errors)
    body.update({key: value for key, value in extra.items() if value is not None})
    response = jsonify(body)
    response.status_code = code
    return response


def _flatten_locations(messages: dict) -> dict:
    # webargs nests messages by location ({"json": {...}, "query": {...}}); callers want fields.
    flat: dict = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


def handle_http_exception(error: HTTPException):
    """JSON for the API's paths; the screens keep Flask's own error pages."""
    if not request.path.startswith(API_PREFIX):
        return error
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or _flatten_locations(data.get("messages") or {})
    message = data.get("message") or error.description or error.name
    if error.code == 422 and errors:
        message = gettext("Some values are invalid; see errors.")
    elif error.code == 400 and "json" in errors:
        message = gettext("The body is not valid JSON.")
    response = error_response(error.code or 500, message, errors or None)
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _value_error(error: ValueError):
    # The domain's refusals are ValidationErrors with a handler of their own; a ValueError
    # that reaches here comes from a library and names no field of ours.
    field, message = field_and_message(error, "body")
    return error_response(422, gettext("Some values are invalid; see errors."), {field: [message]})


def register_domain_errors(blueprint) -> None:
    """Map the domain's refusals to status codes on an API blueprint."""
    handlers = {
        ValidationError: lambda e: error_response(
            422, gettext("Some values are invalid; see errors."), e.errors, reason=e.code
        ),
        NotFound: lambda e: error_response(404, e.message, e.errors, reason=e.code),
        NetworkMissing: lambda e: error_response(409, e.message, e.errors, reason=e.code),
        Conflict: lambda e: error_response(
            409, e.message, e.errors, existing_id=e.existing_id, reason=e.code
        ),
        YearLocked: lambda e: error_response(
            409, e.message, e.errors, existing_id=e.existing_id, reason=e.code
        ),
        # The refusal says what the role may not do ("your role may not add funders").
        NotAllowed: lambda e: error_response(403, e.message, reason=e.code),
        IntegrityError: lambda e: error_response(
            409,
            gettext("The change conflicts with what is stored (a duplicate or a row in use)."),
        ),
        ValueError: _value_error,
    }
    for exception, handler in handlers.items():
        blueprint.register_error_handler(exception, handler)


def register_http_errors(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
