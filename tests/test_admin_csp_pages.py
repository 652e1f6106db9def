"""Every admin list, create, edit and details page is written for the Content-Security-Policy: no
`javascript:` link, no inline event handler, no script without the request's nonce, and
each inline list's add control is a button the static script acts on."""

import re

import pytest

from fundtrack.auth.models import Role, User
from tests import factories

INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)


def _admin_views(app):
    admin = app.extensions["admin"][0]
    return [view for view in admin._views if hasattr(view, "create_view")]


def _csp_clean(page: str, nonce: str) -> list[str]:
    problems = [m.group(0)[:120] for m in INLINE_HANDLER.finditer(page)]
    problems += ["javascript: link"] * page.lower().count("javascript:")
    for attributes in SCRIPT.findall(page):
        if "src=" not in attributes and f'nonce="{nonce}"' not in attributes:
            problems.append(f"<script{attributes}> without the nonce")
    return problems


def _nonce(response) -> str:
    return re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)


@pytest.fixture
def demo_admin(client, session):
    demo = pytest.importorskip("fundtrack.demo.build")
    demo.build_demo(session, "nl")
    admin = factories.first(session, User, role=Role.ADMIN)
    factories.enrol_mfa(session, admin)
    return factories.signed_in(client, session, admin)


def test_every_admin_page_has_no_inline_script_or_javascript_link(client, session, demo_admin):
    checked = 0
    for view in _admin_views(client.application):
        base = view.url.rstrip("/")
        row = session.query(view.model).order_by(view.model.id).first()
        pages = [f"{base}/", f"{base}/?page=1", f"{base}/new/"]
        if row is not None:
            pages += [f"{base}/edit/?id={row.id}", f"{base}/details/?id={row.id}"]
        for url in pages:
            response = client.get(url)
            if response.status_code == 302:  # a screen that makes no rows by hand (the log)
                continue
            assert response.status_code == 200, (url, response.status_code)
            assert _csp_clean(response.get_data(as_text=True), _nonce(response)) == [], url
            checked += 1
    assert checked > 40


def test_the_grant_form_offers_each_inline_list_as_an_add_button(client, demo_admin):
    page = client.get("/admin/grants/new/").get_data(as_text=True)
    for inline in ("goals", "budget_lines", "allocations", "obligations"):
        assert f'<button type="button" id="{inline}-button"' in page
        assert f'data-inline-add="{inline}"' in page
    assert "inline-remove-field" in page
