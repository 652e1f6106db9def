"""Every rule of the url_map, with each role and another centre's ids: nothing reaches them.

The URL arguments are built from the rule's own argument names (`code`, `year`, `grant_id`,
`line_id`, ...): an `<x>_id` takes the ids of centre B's rows in every table whose name holds
`x`, so a new screen is covered as soon as it is registered. Flask-Admin's views take the row
in `?id=` (and in the form of their POSTs): they get centre B's row of the view's model. Every
rule is opened with GET, and written to (POST, PATCH, DELETE) with a test client that sends no
CSRF token, forms and JSON naming B's centre and rows.

Proved for the treasurer of centre A: no answer is a 500; an answer is a refusal (4xx), a
redirect, or a page (HTML, CSV, JSON, PDF, XLSX read as text) without B's marker strings; and
after every write B's rows are as they were. For the admin, the national office and the
auditor, who may see B: no answer is a 500.

And with a token whose user's second step was reset, whose role was lowered or who signed
out everywhere, every rule answers as it answers no credentials at all.
"""

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import inspect, select

from fundtrack.auth.models import ApiToken, User, UserSession
from fundtrack.auth.tokens import issue_token
from fundtrack.centres.models import Centre
from fundtrack.extensions import db
from fundtrack.grants.models import (
    GoalMeasurement,
    GrantBudgetLine,
    GrantGoal,
    ReportObligation,
)
from fundtrack.imports.models import Import, ImportProfile, ImportState
from fundtrack.income.models import FunderType
from fundtrack.reports.models import ReportDraft, ReportJob, SentReport
from tests import factories, grant_helpers

MARKER = "leak-b"  # in every name, title and description of centre B's rows (lower case)

# Rules not walked, and why: files of the app and its libraries (no centre data; their
# `filename` argument names a file, not a row).
NOT_WALKED = {"static", "admin.static", "swagger_ui_files.static"}

WRITE_METHODS = ("POST", "PATCH", "DELETE")
ROLES = ["treasurer", "admin", "national", "auditor"]


def _b_world(session):
    """Centre B with one row of everything a centre has, each named with MARKER."""
    centre = factories.centre(session, name="LEAK-B centre")
    treasurer = factories.user(session, "treasurer", centre, name="LEAK-B treasurer",
                               email="leak-b.treasurer@example.org")  # fmt: skip
    person = factories.funder(session, FunderType.INDIVIDUAL, name="LEAK-B person",
                              centre_id=centre.id)  # fmt: skip
    agreement = factories.agreement(session, centre, person, title="LEAK-B agreement")
    donor = factories.donor(session, centre, name="LEAK-B donor")
    fund = factories.fund(session, centre, name="LEAK-B fund")
    factories.income(session, centre, "123.45", reference="LEAK-B income",
                     agreement=agreement, funder=person, earmarked_fund=fund,
                     description="LEAK-B income line")  # fmt: skip
    factories.income(session, centre, "45.67", reference="LEAK-B gift", donor=donor)
    factories.cost(session, centre, "678.90", description="LEAK-B cost")
    grant = grant_helpers.grant(session, centre, project_name="LEAK-B grant",
                                summary="LEAK-B summary")  # fmt: skip
    goal = GrantGoal(grant=grant, kind="quantitative", description="LEAK-B goal",
                     target=Decimal("160"), unit="users")  # fmt: skip
    session.add(goal)
    session.add(GoalMeasurement(goal=goal, centre_id=centre.id, measured_on=date(2026, 1, 15),
                                value=Decimal("118")))  # fmt: skip
    session.add(GrantBudgetLine(grant=grant, category="staff", description="LEAK-B budget",
                                amount=Decimal("10.00")))  # fmt: skip
    obligation = ReportObligation(grant=grant, kind="final", due_date=date(2026, 1, 31),
                                  note="LEAK-B obligation")  # fmt: skip
    session.add(obligation)
    session.flush()
    pdf = b"%PDF-1.4 LEAK-B sent report"
    session.add(SentReport(obligation_id=obligation.id, filename="leak-b-report.pdf",
                           language="en", sha256="0" * 64, size=len(pdf), pdf=pdf,
                           sent_by_id=treasurer.id))  # fmt: skip
    session.add(ReportDraft(obligation_id=obligation.id, narrative="LEAK-B narrative",
                            language="en"))  # fmt: skip
    session.add(Import(centre_id=centre.id, user_id=treasurer.id, filename="leak-b.csv",
                       kind="csv", sha256="1" * 64, size=10, state=ImportState.PREVIEWED,
                       error="LEAK-B import"))  # fmt: skip
    session.add(ImportProfile(centre_id=centre.id, key="leak-b", value={"leak": "LEAK-B"}))
    session.add(ReportJob(id="leakb" + "0" * 27, kind="national", year=2025, language="en",
                          user_id=treasurer.id, state="done", pdf=b"%PDF LEAK-B job",
                          error="LEAK-B job"))  # fmt: skip
    from fundtrack.giving.operations import create_recurring_gift

    create_recurring_gift(session, treasurer, {
        "donor": donor.id, "amount": Decimal("25.00"), "frequency": "monthly",
        "start": date(2026, 1, 1), "payment_method": "bank_transfer", "reference": "LEAK-B gift",
    })  # fmt: skip
    from fundtrack.giving.agreements import create_gift_agreement

    create_gift_agreement(session, treasurer, {
        "kind": "pledge", "donor": donor.id, "amount": Decimal("300.00"), "years": 3,
        "start": date(2026, 1, 1), "donor_signed_on": date(2025, 12, 1),
        "transaction_number": "LEAK-B pledge", "centre_signatory": "LEAK-B signatory",
    })  # fmt: skip
    from fundtrack.giving.sepa import create_collection, create_mandate

    centre.creditor_id, centre.iban = "NL56ZZZ404817180000", "NL44RABO0123456789"
    debtor = factories.donor(session, centre, name="LEAK-B debtor", iban="NL91ABNA0417164300")
    create_recurring_gift(session, treasurer, {
        "donor": debtor.id, "amount": Decimal("25.00"), "frequency": "monthly",
        "start": date(2026, 1, 1), "payment_method": "direct_debit",
    })  # fmt: skip
    create_mandate(session, treasurer, {"donor": debtor.id, "signed_on": date(2025, 12, 1),
                                        "reference": "LEAK-B mandate"})  # fmt: skip
    create_collection(session, treasurer, centre, date(2026, 1, 5))
    from fundtrack.income.merge import merge_donors

    merge_donors(session, treasurer, factories.donor(session, centre, name="LEAK-B survivor"),
                 factories.donor(session, centre, name="LEAK-B merged"))  # fmt: skip
    from fundtrack.giving.statements import issue_statement

    issue_statement(session, treasurer, donor, 2025, today=date(2026, 2, 1))
    issue_token(session, treasurer, "LEAK-B token")
    from fundtrack.auth.sessions import new_session

    new_session(treasurer)
    session.flush()
    return centre, treasurer


def _rows_of(session, centre: Centre, treasurer: User) -> dict[str, list]:
    """Centre B's rows per table: those with its centre_id, those of its grants and
    obligations, and its treasurer's own (sessions, tokens, report jobs)."""
    found: dict[str, list] = {}
    grant_ids, obligation_ids = [], []
    for mapper in sorted(db.Model.registry.mappers, key=lambda m: m.class_.__tablename__):
        model = mapper.class_
        table = model.__tablename__
        columns = {c.key for c in mapper.column_attrs}
        if model is Centre:
            where = Centre.id == centre.id
        elif "centre_id" in columns and table != "audit_events":
            where = model.centre_id == centre.id
        elif model in (ApiToken, UserSession, ReportJob):
            where = model.user_id == treasurer.id
        elif model is User:
            where = User.id == treasurer.id
        else:
            continue
        found[table] = list(session.scalars(select(model).where(where)))
        if table == "grants":
            grant_ids = [row.id for row in found[table]]
    for mapper in db.Model.registry.mappers:
        model = mapper.class_
        columns = {c.key for c in mapper.column_attrs}
        if "grant_id" in columns and model.__tablename__ not in found:
            found[model.__tablename__] = list(
                session.scalars(select(model).where(model.grant_id.in_(grant_ids)))
            )
    obligation_ids = [row.id for row in found.get("report_obligations", [])]
    for model in (SentReport, ReportDraft):
        found[model.__tablename__] = list(
            session.scalars(select(model).where(model.obligation_id.in_(obligation_ids)))
        )
    return found


def _snapshot(session, rows: dict[str, list]) -> dict:
    session.expire_all()
    state = {}
    for table, objects in rows.items():
        for obj in objects:
            mapper = inspect(obj).mapper
            model = mapper.class_
            fresh = session.get(model, inspect(obj).identity)
            values = None
            if fresh is not None:
                values = {
                    c.key: getattr(fresh, c.key)
                    for c in mapper.column_attrs
                    if c.key not in {"last_seen_at", "last_used_at", "updated_at", "pdf"}
                }
            state[table, inspect(obj).identity] = values
    return state


def _candidates(rule, b_ids: dict[str, list], a_ids: dict[str, list], b_codes) -> list[dict]:
    """Argument values for `rule`: B's ids (and, beside another argument, A's ids too, so
    that A's grant with B's obligation is tried); fails for an argument it cannot fill."""
    choices: dict[str, list] = {}
    for name in sorted(rule.arguments):
        converter = rule._converters.get(name)
        if hasattr(converter, "items") or name == "kind":
            choices[name] = list(getattr(converter, "items", ["csv"]))[:1] or ["csv"]
        elif name == "export_type":
            choices[name] = ["csv"]
        elif name == "code":
            choices[name] = list(b_codes)
        elif name == "year":
            choices[name] = [2025]
        elif name == "token":
            # An onboarding upload waits under a random name and belongs to no centre: an
            # unknown one must be refused, never a 500.
            choices[name] = ["0" * 32]
        elif name == "onboarding_id":
            # A committed onboarding workbook belongs to the network, no centre: an unknown
            # one must be refused (404, or 403 to a treasurer), never a 500.
            choices[name] = [1]
        elif name.endswith("_id"):
            stem = name[: -len("_id")]
            # "grants" for <grant_id>; else every table the stem is part of (<line_id>:
            # income, cost and budget lines).
            tables = [t for t in b_ids if t == f"{stem}s" or t.endswith(f"_{stem}s")]
            tables = tables or [t for t in b_ids if stem in t]
            assert tables, f"{rule.rule}: which table does <{name}> name? extend _candidates"
            choices[name] = [v for t in tables for v in b_ids[t]]
            if len(rule.arguments) > 1:
                choices[name] += [v for t in tables for v in a_ids.get(t, [])][:2]
        else:
            raise AssertionError(f"{rule.rule}: no value for <{name}>; extend _candidates")
    combos = [{}]
    for name, values in choices.items():
        combos = [combo | {name: value} for combo in combos for value in values]
    if len(rule.arguments) > 1:  # A's ids in every argument reach nothing of B's: skip
        a_only = {v for t in a_ids.values() for v in t}
        combos = [c for c in combos if not all(c[n] in a_only for n in choices)] or combos
    return combos


def _admin_models(app) -> dict[str, str]:
    """Flask-Admin endpoint -> the table of its model."""
    admin = app.extensions["admin"][0]
    return {
        view.endpoint: view.model.__tablename__
        for view in admin._views
        if getattr(view, "model", None) is not None
    }


def _readable(response) -> str:
    body = response.get_data()
    kind = response.mimetype or ""
    if kind == "application/pdf" or body.startswith(b"%PDF"):
        from tests.reports_helpers import pdf_text

        try:
            return pdf_text(body) + body.decode("latin-1")
        except Exception:  # not a real PDF (a stored test file): its bytes are the text
            return body.decode("latin-1")
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return " ".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return body.decode("utf-8", "replace")


def _bodies(b_centre, table_ids):
    form = {
        "csrf_token": "",
        "action": "delete",
        "centre": str(b_centre.id),
        "centre_id": str(b_centre.id),
        "url": "/",
        "confirm": "yes",
        "name": "x",
        "amount": "1.00",
        "year": "2025",
    }
    data = {"centre": b_centre.code, "centre_id": b_centre.id, "year": 2025, "amount": "1.00",
            "date": "2025-03-01", "booking_date": "2025-03-01", "category": "individuals",
            "name": "x", "title": "x", "kind": "actual"}  # fmt: skip
    for table, ids in table_ids.items():
        if ids:
            stem = table.rstrip("s").split("_")[-1]
            form[stem] = str(ids[0])
            data[stem] = ids[0]
    return form, data


@pytest.fixture
def world(session, network):
    a = factories.centre(session, name="Centre A")
    factories.income(session, a, reference="A income")
    factories.cost(session, a)
    factories.donor(session, a)
    factories.fund(session, a)
    factories.agreement(session, a, factories.funder(session))
    grant_helpers.grant(session, a, project_name="A grant")
    b, b_treasurer = _b_world(session)
    session.commit()
    return a, b, b_treasurer


def _sign_in(client, session, user):
    factories.signed_in(client, session, user)


@pytest.mark.parametrize("role", ROLES)
def test_no_route_reaches_another_centres_rows(app, client, session, world, role):
    a, b, b_treasurer = world
    user = factories.user(session, role, a if role == "treasurer" else None)
    if role in app.config["MFA_REQUIRED_ROLES"]:
        factories.enrol_mfa(session, user)
    _row, token = issue_token(session, user, "walker")
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    b_rows = _rows_of(session, b, b_treasurer)
    b_ids = {t: [inspect(r).identity[0] for r in rows] for t, rows in b_rows.items()}
    a_rows = _rows_of(session, a, user)
    a_ids = {t: [inspect(r).identity[0] for r in rows] for t, rows in a_rows.items()}
    b_codes = [b.code, b.region.code]
    admin_models = _admin_models(app)
    form, data = _bodies(b, b_ids)
    before = _snapshot(session, b_rows)
    problems = []
    answers: dict[int, int] = {}

    def check(method, url, response):
        status = response.status_code
        answers[status] = answers.get(status, 0) + 1
        if status >= 500:
            problems.append(f"{method} {url}: {status}")
            return
        if role != "treasurer" or not 200 <= status < 300:
            return
        text = _readable(response).lower()
        if MARKER in text:
            where = text.index(MARKER)
            problems.append(f"{method} {url}: shows {text[max(0, where - 80) : where + 40]!r}")

    walked = 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in NOT_WALKED:
            continue
        query = {}
        table = admin_models.get(rule.endpoint.partition(".")[0])
        if table is not None:
            query = {"id": (b_ids.get(table) or [0])[0], "url": "/"}
            row_id = str(query["id"])
            form_here = form | {k: row_id for k in ("id", "rowid", "pk", "list_form_pk")}
        else:
            form_here = form
        for values in _candidates(rule, b_ids, a_ids, b_codes):
            url = rule.build(values, append_unknown=False)[1]
            methods = rule.methods - {"HEAD", "OPTIONS"}
            if "GET" in methods:
                _sign_in(client, session, user)
                response = client.get(url, query_string=query, headers=headers)
                check("GET", url, response)
                walked += 1
            for method in sorted(methods & set(WRITE_METHODS)):
                _sign_in(client, session, user)
                if url.startswith("/api/"):
                    response = client.open(url, method=method, json=data, headers=headers)
                else:
                    response = client.open(url, method=method, query_string=query,
                                           data=form_here, headers=headers)  # fmt: skip
                check(method, url, response)
                walked += 1
                if role == "treasurer":
                    after = _snapshot(session, b_rows)
                    if after != before:
                        changed = [k for k in before if before[k] != after.get(k)]
                        problems.append(f"{method} {url}: changed B's {changed}")
                        before = after
    assert walked > 200
    # The walker stayed signed in: pages open, not just the sign-in form.
    assert answers.get(200, 0) > 40, answers
    assert not problems, "\n".join(problems)


def test_the_walker_fills_every_rule(app, session, world):
    """A new rule whose arguments the walker cannot fill fails here, not silently."""
    a, b, b_treasurer = world
    b_ids = {t: [inspect(r).identity[0] for r in rows]
             for t, rows in _rows_of(session, b, b_treasurer).items()}  # fmt: skip
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in NOT_WALKED:
            assert _candidates(rule, b_ids, {}, [b.code]), rule.rule


def _end_the_tokens_sessions(session, client, user, how: str) -> None:
    from fundtrack.auth import operations
    from fundtrack.auth.models import Role

    if how == "reset":
        admin = factories.user(session, "admin")
        operations.reset_second_step(session, admin, user)
    elif how == "downgraded":
        user.role = Role.AUDITOR
    else:  # the user signs out everywhere on their account page
        factories.signed_in(client, session, user)
        assert client.post("/account/sign-out-everywhere").status_code == 302
        client._cookies.clear()
    session.commit()


@pytest.mark.parametrize("how", ["reset", "downgraded", "signed_out"])
def test_a_token_whose_user_was_reset_downgraded_or_signed_out_opens_no_route(
    app, client, session, world, how
):
    """Every rule, every method, with the token in the header and no cookie: each answers as
    it answers a request without credentials (401 on the API), and nothing changes."""
    a, b, b_treasurer = world
    user = factories.user(session, "national")
    factories.enrol_mfa(session, user)
    _row, token = issue_token(session, user, "walker")
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/regions", headers=headers).status_code == 200
    _end_the_tokens_sessions(session, client, user, how)
    b_rows = _rows_of(session, b, b_treasurer)
    b_ids = {t: [inspect(r).identity[0] for r in rows] for t, rows in b_rows.items()}
    before = _snapshot(session, b_rows)
    form, data = _bodies(b, b_ids)
    problems, walked, api_refusals = [], 0, 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in NOT_WALKED:
            continue
        url = rule.build(_candidates(rule, b_ids, {}, [b.code])[0], append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            body = {"json": data} if url.startswith("/api/") else {"data": form}
            client._cookies.clear()
            with_token = client.open(url, method=method, headers=headers, **body)
            client._cookies.clear()
            without = client.open(url, method=method, **body)
            walked += 1
            if with_token.status_code != without.status_code:
                problems.append(f"{method} {url}: {with_token.status_code} with the token,"
                                f" {without.status_code} without")  # fmt: skip
            if url.startswith("/api/") and without.status_code == 401:
                api_refusals += 1
    assert walked > 150 and api_refusals > 30, (walked, api_refusals)
    assert _snapshot(session, b_rows) == before
    assert not problems, "\n".join(problems)
