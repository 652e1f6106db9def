"""Extensions created once here and initialised in the application factory."""

from datetime import datetime
from decimal import Decimal

from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import DateTime, MetaData, Numeric
from sqlalchemy.orm import DeclarativeBase, registry

# An engine made with this execution option only reads (a report batch's worker processes):
# on SQLite its transactions take no write lock, so workers do not queue for each other.
READ_ONLY = "fundtrack_read_only"

# Stable constraint names keep Alembic's autogenerate and SQLite batch migrations honest.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def compared_for_drift(_obj, name, type_, _reflected, _compare_to) -> bool:
    """What `db check` and the migration tests compare between models and database.

    PostgreSQL-only trigram indexes (0005_lists) live in the migration, not in the models.
    """
    return not (type_ == "index" and name and name.endswith("_trgm"))


class Base(DeclarativeBase):
    # SQLAlchemy 2.1 wants the map on the registry, not as a class attribute.
    registry = registry(
        type_annotation_map={Decimal: Numeric(14, 2), datetime: DateTime(timezone=True)},
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
# Flask-Login's own sentence is English only; this one is in the user's language.
login_manager.login_message = _l("Please sign in to see this page.")
csrf = CSRFProtect()
babel = Babel()
