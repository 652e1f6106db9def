"""Flask-Admin screens, built per application (a module-level Admin breaks a second app)."""

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from fundtrack.admin import grant_views, money_views, network_views
from fundtrack.admin.base import SecureIndexView
from fundtrack.admin.catalogue import use_our_admin_words
from fundtrack.auth.headers import csp_nonce
from fundtrack.labels import MENU_LABELS


def init_admin(app: Flask) -> Admin:
    # Flask-Admin's buttons, pager and messages in our Dutch and Norwegian (admin/catalogue.py).
    use_our_admin_words()
    admin = Admin(
        app,
        name="fundtrack",
        index_view=SecureIndexView(url="/admin"),
        theme=Bootstrap4Theme(base_template="admin/fundtrack_master.html", fluid=True),
        # Flask-Admin's inline scripts carry the request's nonce (see auth/headers.py).
        csp_nonce_generator=csp_nonce,
    )
    for view_class, model, name, category in (
        money_views.VIEWS + grant_views.VIEWS + network_views.VIEWS
    ):
        table = model.__tablename__
        admin.add_view(
            view_class(
                model,
                name=MENU_LABELS[name],
                category=MENU_LABELS[category],
                endpoint=f"admin_{table}",
                url=table.replace("_", "-"),
            )
        )
    return admin
