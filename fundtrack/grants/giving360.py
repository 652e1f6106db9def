"""Awarded grants in the 360Giving Data Standard 1.4.3: a JSON package and the flattened CSV.

The package is built from the grants the user may see that were awarded (awarded, partly
awarded, reporting, closed), their money from the ledger (`figures.money_for`: the amount
disbursed is what the funder paid in), and validated against the standard's own schema,
copied into `standards/360giving/` and read offline. The CSV is the same validated package,
flattened with the column titles the standard's schema gives (`Recipient Org:Identifier`).

Identifiers: fundtrack has no registered organisation identifiers, so grants, centres and
funders get `360G-` identifiers under a prefix (the `GIVING360_PREFIX` setting), the form
360Giving asks of publishers without one.
"""

import json
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012
from sqlalchemy.orm import Session, joinedload, selectinload

from fundtrack.auth.access import visible
from fundtrack.auth.models import User
from fundtrack.centres.locks import current_network
from fundtrack.centres.models import Centre, Network
from fundtrack.centres.orgnumbers import org_id
from fundtrack.grants.figures import allocation_money, money_for
from fundtrack.grants.models import Grant
from fundtrack.grants.operations import AWARDED_STATES, awarded_on
from fundtrack.spreadsheets import csv_text

SCHEMAS = Path(__file__).parent / "standards" / "360giving"
PUBLISHED = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/{tag}/schema/{name}"
GRANT_SCHEMA = "360-giving-schema.json"
PACKAGE_SCHEMA = "360-giving-package-schema.json"
VERSION = "1.4"
DEFAULT_PREFIX = "360G-fundtrack"
# The flattened CSV's columns: (path in a grant, how many of a list are spread out).
CSV_COLUMNS = [
    ("id",),
    ("title",),
    ("description",),
    ("currency",),
    ("amountAppliedFor",),
    ("amountAwarded",),
    ("amountDisbursed",),
    ("awardDate",),
    ("plannedDates", "startDate"),
    ("plannedDates", "endDate"),
    ("plannedDates", "duration"),
    ("recipientOrganization", "id"),
    ("recipientOrganization", "name"),
    ("fundingOrganization", "id"),
    ("fundingOrganization", "name"),
    ("grantProgramme", "title"),
    ("dateModified",),
]


class InvalidExport(ValueError):
    """The export does not meet the 360Giving schema; `errors` says where and why."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _load(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


@cache
def _registry() -> Registry:
    """The two schemas under every URL they are published at; any other $ref is refused
    rather than fetched."""
    resources = []
    for name in (GRANT_SCHEMA, PACKAGE_SCHEMA):
        # Their `$schema` names 2020-12 over http, which `referencing` does not know as such.
        resource = Resource(contents=_load(name), specification=DRAFT202012)
        for tag in ("1.4.2", "1.4.3"):
            resources.append((PUBLISHED.format(tag=tag, name=name), resource))

    def refuse(uri: str):
        raise NoSuchResource(ref=uri)

    return Registry(retrieve=refuse).with_resources(resources)


@cache
def _validator() -> Draft202012Validator:
    # The schemas name draft 2020-12 over http; the draft is named here, dates are checked.
    return Draft202012Validator(
        _load(PACKAGE_SCHEMA),
        registry=_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def validation_errors(package: dict) -> list[str]:
    """Every way `package` breaks the 360Giving package schema, as 'path: message'."""
    found = []
    for error in sorted(_validator().iter_errors(package), key=lambda e: list(e.absolute_path)):
        message = error.message
        if error.context:
            # A grant matches neither form (to an organisation, to a person): say why.
            message = f"{best_match(error.context).message} ({message[:60]}...)"
        found.append(f"{'/'.join(str(p) for p in error.absolute_path) or '(package)'}: {message}")
    return found


def validate(package: dict) -> dict:
    """The package itself if it meets the schema; InvalidExport naming each fault if not."""
    errors = validation_errors(package)
    if errors:
        raise InvalidExport(errors)
    return package


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _award_date(grant: Grant) -> str:
    return (awarded_on(grant) or grant.start_date).isoformat()


def _months(grant: Grant) -> int:
    start, end = grant.start_date, grant.end_date
    return max(1, (end.year - start.year) * 12 + end.month - start.month + 1)


def _organisation(prefix: str, network: Network, centre: Centre | None) -> dict:
    """A recipient or publisher: its org-id.guide identifier where its register number is
    known (NL-KVK-12345678, NO-BRC-923609016), else the 360G- one under `prefix`."""
    if centre is not None:
        known = org_id(centre.organisation_number, network.locale)
        return {"id": known or f"{prefix}-centre-{centre.code}", "name": centre.name}
    known = org_id(network.organisation_number, network.locale)
    return {"id": known or f"{prefix}-network", "name": network.name}


def grant_record(grant: Grant, disbursed: Decimal, prefix: str, network: Network) -> dict:
    """One awarded grant as a 360Giving grant: the centre (or the network, for the national
    office's applications) receives, the funder funds."""
    recipient = _organisation(prefix, network, grant.centre)
    record = {
        "id": f"{prefix}-grant-{grant.id}",
        "title": grant.project_name,
        "description": grant.summary or grant.project_name,
        "currency": grant.currency,
        "amountAppliedFor": _number(grant.amount_requested),
        "amountAwarded": _number(grant.amount_awarded),
        "amountDisbursed": _number(disbursed),
        "awardDate": _award_date(grant),
        "plannedDates": [
            {
                "startDate": grant.start_date.isoformat(),
                "endDate": grant.end_date.isoformat(),
                "duration": _months(grant),
            }
        ],
        "recipientOrganization": [recipient],
        "fundingOrganization": [
            {"id": f"{prefix}-funder-{grant.funder_id}", "name": grant.funder.name}
        ],
    }
    if grant.programme:
        record["grantProgramme"] = [{"title": grant.programme}]
    return record


def allocation_records(grant: Grant, allocations, prefix: str, network: Network) -> list[dict]:
    """A shared award as one 360Giving grant per office (the standard has no way to split one
    grant among recipients): each office receives its allocation and was paid its tranches.
    The application's amount asked is left out: it was asked for all of them together."""
    whole = grant_record(grant, Decimal(0), prefix, network)
    offices = {allocation.centre.code: allocation.centre for allocation in grant.allocations}
    del whole["amountAppliedFor"]
    return [
        whole
        | {
            "id": f"{prefix}-grant-{grant.id}-{a.centre_code}",
            "title": f"{grant.project_name} ({a.centre_name})",
            "amountAwarded": _number(a.allocated),
            "amountDisbursed": _number(a.received),
            "recipientOrganization": [_organisation(prefix, network, offices[a.centre_code])],
        }
        for a in allocations
    ]


def may_publish(user: User) -> bool:
    """Whether the user may export: the national office, admins and auditors (a treasurer's
    figures stay with her centre). The screens and the API both ask this."""
    return user.sees_all_centres


def awarded_grants(session: Session, user: User) -> list[Grant]:
    """The awarded grants the user may see, with what the records need loaded."""
    stmt = (
        visible(Grant, user)
        .where(Grant.state.in_(AWARDED_STATES), Grant.amount_awarded.is_not(None))
        .options(
            joinedload(Grant.funder),
            joinedload(Grant.centre),
            selectinload(Grant.transitions),
            selectinload(Grant.allocations),
        )
        .order_by(Grant.start_date, Grant.id)
    )
    return list(session.scalars(stmt).unique())


def package(session: Session, user: User, prefix: str = DEFAULT_PREFIX, now=None) -> dict:
    """The 360Giving package of the awarded grants the user may see, validated.

    Raises InvalidExport when a grant cannot be published as the standard asks (nothing is
    half-written), and when there is none (the standard wants at least one grant)."""
    grants = awarded_grants(session, user)
    money = money_for(session, grants)
    network = current_network(session)
    modified = (now or datetime.now(UTC)).replace(microsecond=0).isoformat()
    records = []
    for g in grants:
        if g.allocations:
            shared = allocation_records(g, allocation_money(session, g), prefix, network)
        else:
            shared = [grant_record(g, money[g.id].received, prefix, network)]
        records += [record | {"dateModified": modified} for record in shared]
    publisher = _organisation(prefix, network, None)
    return validate(
        {
            "grants": records,
            "version": VERSION,
            "publisher": {"identifier": publisher["id"], "name": publisher["name"]},
        }
    )


def _title_of(schema: dict, key: str) -> str:
    return schema.get("title") or key


@cache
def csv_header() -> list[str]:
    """The flattened CSV's column titles, from the standard's own schema."""
    grant = _load(GRANT_SCHEMA)
    defs = grant["$defs"]
    titles = []
    for path in CSV_COLUMNS:
        top = grant["properties"][path[0]]
        if "$ref" in top:  # currency: its title sits on the definition
            top = defs[top["$ref"].rsplit("/", 1)[1]]
        title = _title_of(top, path[0])
        if len(path) == 2:
            definition = defs[top["items"]["$ref"].rsplit("/", 1)[1]]
            title = f"{title}:{_title_of(definition['properties'][path[1]], path[1])}"
        titles.append(title)
    return titles


def flattened_csv(validated: dict) -> str:
    """The validated package as the standard's flattened CSV: a row per grant, the first of
    each list (fundtrack's grants have one recipient, funder, period and programme)."""
    rows = [csv_header()]
    for record in validated["grants"]:
        row = []
        for path in CSV_COLUMNS:
            value = record.get(path[0], "")
            if len(path) == 2:
                value = value[0].get(path[1], "") if value else ""
            row.append(value)
        rows.append(row)
    return csv_text(rows)
