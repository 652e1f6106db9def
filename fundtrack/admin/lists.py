"""What every admin list does beyond Flask-Admin's defaults: check against the bank.

- filters whose dropdown values are the values they accept (Flask-Admin's own enum filters
  offer 'manual' and then look up `IncomeSource['manual']` by *name*: a KeyError, a 500);
- totals per currency of exactly the filtered rows, summed by the database;
- export of exactly the filtered rows as CSV (in the user's language's convention) and XLSX
  (numbers as numbers);
- no edit or delete offered on a line of a closed fiscal year;
- bulk delete through the domain operations, with ids as integers (PostgreSQL refuses
  `integer = character varying`, SQLite silently compares);
- cost bounded by the page, not the ledger: the count and the totals read at most
  `COUNT_CAP` rows; search looks donors and funders up first, then lines by indexed ids;
  pages start at most `PAGE_DEPTH_CAP` rows in (OFFSET reads and drops every row before
  the page), deeper ones ask for a narrower filter or the other sort order.
"""

from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import Enum
from zoneinfo import ZoneInfo

from flask import abort, flash, has_request_context, request
from flask_admin import expose
from flask_admin.babel import lazy_gettext as admin_lazy_gettext
from flask_admin.contrib.sqla import filters as sqla_filters
from flask_admin.contrib.sqla import tools
from flask_admin.model.template import DeleteRowAction, EditPopupRowAction, EditRowAction
from flask_babel import format_date, gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import DateTime, false, func, or_, select
from sqlalchemy.orm import joinedload

from fundtrack.auth.access import scoped, visibility
from fundtrack.centres.locks import locked_years
from fundtrack.extensions import db
from fundtrack.formatting import format_moment, network_timezone
from fundtrack.labels import AUDIT_ENTITY_LABELS, enum_label, label
from fundtrack.money import CENT

# The list's count and totals read at most this many filtered rows; beyond it the screen
# says "more than" and asks for a narrower filter (a year, a month, a centre).
COUNT_CAP = 50_000
# A page starts at most this many filtered rows in: OFFSET makes the database read and drop
# every row before the page, so the cost of page 200 grows with the ledger. The pager offers
# the pages up to here; a deeper page's address shows the hint to narrow the filter.
PAGE_DEPTH_CAP = 2_000
# A download holds at most this many rows (a year of the whole network fits).
EXPORT_CAP = 200_000
# Pickers in a filter list at most this many rows (a treasurer's donors, the funders).
OPTIONS_CAP = 500
# Search looks up at most this many matching donors or funders.
SEARCH_IDS_CAP = 1_000


class _Filter(sqla_filters.BaseSQLAFilter):
    """A filter whose dropdown is made per request, for the user (Flask-Admin builds it once,
    when the app starts, with nobody signed in)."""

    def get_options(self, view):
        if not has_request_context() or not current_user.is_authenticated:
            return []
        options = self.options() if callable(self.options) else self.options
        return [(str(value), str(label)) for value, label in options or []]


class _Equals(_Filter):
    """column = value, the value checked (and converted) by `coerce` before it is used."""

    def __init__(self, column, name, options=None, coerce=str, matches=None, **kwargs):
        super().__init__(column, name, options=options, **kwargs)
        self.coerce = coerce
        # A row matching a value otherwise than by its column alone (a function value -> SQL).
        self.matches = matches

    def clean(self, value):
        try:
            return self.coerce(value)
        except (KeyError, TypeError):  # validate() only catches ValueError
            raise ValueError(_l("%(typed)s is not one of the choices", typed=repr(value))) from None

    def apply(self, query, value, alias=None):
        if self.matches is not None:
            return query.filter(self.matches(value))
        return query.filter(self.get_column(alias) == value)

    def operation(self):
        return admin_lazy_gettext("equals")


def enum_filter(column, name):
    """An enum column's filter: options in words, values by the stored code."""
    enum_type = column.property.columns[0].type
    enum_class = enum_type.enum_class

    def options():
        return [(code, str(enum_label(enum_type.name, code))) for code in enum_type.enums]

    return _Equals(column, name, options=options, coerce=enum_class)


def row_filter(
    column, name, model, label=str, scoped=True, order_by=None, load=(), where=None, matches=None
):
    """A foreign key's filter: the rows of `model` the user may see, by id.

    `where`, a function of no arguments, narrows the options further (None: no narrowing);
    `matches(value)` is the SQL a row meets instead of `column = value`.
    """

    def options():
        query = select(model).options(*(joinedload(path) for path in load))
        clause = visibility(model, current_user) if scoped else None
        if clause is not None:
            query = query.where(clause)
        narrower = where() if where is not None else None
        if narrower is not None:
            query = query.where(narrower)
        query = query.order_by(order_by if order_by is not None else model.id)
        rows = db.session.scalars(query.limit(OPTIONS_CAP))
        return [(str(row.id), label(row)) for row in rows]

    return _Equals(column, name, options=options, coerce=int, matches=matches)


def centre_filter(column, name=None):
    """A centre, by id: every centre for the network's roles, a treasurer's own for her."""
    from fundtrack.centres.models import Centre

    def options():
        query = scoped(select(Centre.id, Centre.code, Centre.name), Centre, current_user)
        query = query.order_by(Centre.code)
        return [(str(row.id), f"{row.code} {row.name}") for row in db.session.execute(query)]

    return _Equals(column, name or _l("Centre"), options=options, coerce=int)


def _years_offered():
    today = date.today()
    return [(str(year), str(year)) for year in range(today.year + 1, today.year - 15, -1)]


def year_filter(column, name=None, calendar=False):
    """A fiscal year column (`column = year`), or with `calendar` a date or time column
    within that calendar year (a range, so its index serves it)."""
    kind = _CalendarYear if calendar else _YearEquals
    return kind(column, name or _l("Year"), options=_years_offered, coerce=int)


class _YearEquals(_Equals):
    """A year filter: its year also names a download of the list ("inkomsten-2026.xlsx")."""


def _between(column, first: date, after: date):
    """`first <= column < after`; for a moment, the days as the network's clock has them
    (an event at 00:30 on 1 February in Amsterdam is February's, as the list shows it)."""
    if isinstance(column.type, DateTime):
        zone = ZoneInfo(network_timezone())
        first, after = (
            datetime.combine(day, time(), zone).astimezone(UTC) for day in (first, after)
        )
    return (column >= first) & (column < after)


class _CalendarYear(_YearEquals):
    def apply(self, query, value, alias=None):
        column = self.get_column(alias)
        return query.filter(_between(column, date(value, 1, 1), date(value + 1, 1, 1)))


def kind_filter(column, name=None):
    """The kind of record an audit event is about, in words."""
    return _Equals(
        column,
        name or _l("Kind of record"),
        options=lambda: [(table, str(label)) for table, label in AUDIT_ENTITY_LABELS.items()],
        coerce=_known_kind,
    )


def _known_kind(value: str) -> str:
    if value not in AUDIT_ENTITY_LABELS:
        raise ValueError(_l("%(typed)s is not a kind of record", typed=repr(value)))
    return value


class _BoolEquals(_Equals):
    def __init__(self, column, name):
        super().__init__(
            column,
            name,
            options=lambda: [("1", gettext("yes")), ("0", gettext("no"))],
            coerce=_yes_no,
        )


def _yes_no(value) -> bool:
    if value not in ("0", "1"):
        raise ValueError(_l("%(typed)s is neither 0 nor 1", typed=repr(value)))
    return value == "1"


def bool_filter(column, name):
    return _BoolEquals(column, name)


class MonthFilter(_Filter):
    """A calendar month, as on a bank statement: 'YYYY-MM'; served by a date index."""

    def __init__(self, column, name=None):
        super().__init__(column, name or _l("Month"), options=self._months)

    @staticmethod
    def _months():
        today = date.today()
        months = []
        year, month = today.year, today.month
        for _ in range(12 * 11):
            first = date(year, month, 1)
            months.append((first.strftime("%Y-%m"), format_date(first, "MMMM yyyy")))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return months

    def clean(self, value):
        try:
            year, month = (int(part) for part in value.split("-"))
            return date(year, month, 1)
        except (AttributeError, TypeError):
            raise ValueError(_l("%(typed)s is not a month (YYYY-MM)", typed=repr(value))) from None

    def apply(self, query, value, alias=None):
        after = date(value.year + (value.month == 12), value.month % 12 + 1, 1)
        return query.filter(_between(self.get_column(alias), value, after))

    def operation(self):
        return admin_lazy_gettext("equals")


class StructuralFilter(_Filter):
    """Income lines that count as structural (their agreement is), or that do not."""

    def __init__(self, column, name=None):
        super().__init__(
            column,
            name or _l("Structural"),
            options=lambda: [("1", gettext("yes")), ("0", gettext("no"))],
        )

    def clean(self, value):
        return _yes_no(value)

    def apply(self, query, value, alias=None):
        from fundtrack.share.classification import classified_agreements

        classified = classified_agreements()
        # A few hundred agreements: their ids first, then the lines by an indexed IN list.
        ids = list(db.session.scalars(select(classified.c.id).where(classified.c.structural)))
        column = self.get_column(alias)
        if value:
            return query.filter(column.in_(ids)) if ids else query.filter(False)
        if not ids:
            return query
        return query.filter(or_(column.is_(None), column.not_in(ids)))

    def operation(self):
        return admin_lazy_gettext("equals")


class _ByValue:
    """Flask-Admin's enum filters offer the stored values and then look them up by *name*
    (`IncomeSource['manual']`): a KeyError and a 500 for the dropdown's own choice. These
    take the value (and, for old links, the name); anything else is an invalid filter."""

    def _member(self, value):
        try:
            return self.enum_class(value)
        except ValueError:
            try:
                return self.enum_class[value]
            except KeyError:
                raise ValueError(
                    _l("%(typed)s is not one of the choices", typed=repr(value))
                ) from None

    def clean(self, value):
        if self.enum_class is None:
            return super().clean(value)
        return self._member(value)


class _ByValueList(_ByValue):
    def clean(self, value):
        if self.enum_class is None:
            return super().clean(value)
        return [self._member(part.strip()) for part in value.split(",") if part.strip()]


class _EnumEquals(_ByValue, sqla_filters.EnumEqualFilter):
    pass


class _EnumNotEqual(_ByValue, sqla_filters.EnumFilterNotEqual):
    pass


class _EnumInList(_ByValueList, sqla_filters.EnumFilterInList):
    pass


class _EnumNotInList(_ByValueList, sqla_filters.EnumFilterNotInList):
    pass


class WordsFilterConverter(sqla_filters.FilterConverter):
    """Column filters Flask-Admin makes by itself, with enums by value and in words."""

    enum = (
        _EnumEquals,
        _EnumNotEqual,
        sqla_filters.EnumFilterEmpty,
        _EnumInList,
        _EnumNotInList,
    )

    @sqla_filters.filters.convert("enum")
    def conv_enum(self, column, name, options=None, **kwargs):

        if not options:
            options = [(code, enum_label(column.type.name, code)) for code in column.type.enums]
        return [f(column, name, options, **kwargs) for f in self.enum]


def bulk_delete(view, ids) -> None:
    """The admin's "Delete" on ticked rows: ids as integers (PostgreSQL refuses
    `integer = character varying`), only rows the user may see, each through the view's own
    delete (the domain operation, its checks, its audit), each refusal said."""
    try:
        wanted = [int(row_id) for row_id in ids]
    except (TypeError, ValueError):
        abort(400)
    rows = view.get_query().filter(view.model.id.in_(wanted)).all()
    deleted = sum(1 for row in rows if view.delete_model(row))
    if deleted:
        flash(
            ngettext("%(num)s record was deleted.", "%(num)s records were deleted.", deleted),
            "success",
        )


class ListFeatures:
    """Mixed into SecureModelView: totals, exports, safe filters and bulk delete, locks.

    A view names `total_column` (the money column summed per currency), `export_columns`
    ((attribute path, label, kind) triples) and optionally `search_relations`
    ({foreign key column: name column of the row it refers to}) and `year_column` (the
    fiscal year that a lock freezes).
    """

    list_template = "admin/fundtrack_list.html"
    total_column: str | None = None
    export_columns: list[tuple[str, object, str]] = []
    search_relations: dict = {}
    # Searchable columns matched whole rather than by substring (ids from a bank or a file).
    search_exact: tuple[str, ...] = ()
    year_column: str | None = None
    # A summary table's key columns by the list's columns they equal: the count and totals
    # of a list filtered by these alone come from `summary_totals`, not the lines.
    summary_columns: dict[str, str] = {}
    # Loader options for rows further than one relationship away, e.g.
    # joinedload(Line.agreement).joinedload(Agreement.funder): one statement, not one a row.
    list_loads: tuple = ()

    # ---- filters: dropdowns made per request ---------------------------------------------

    def _get_filter_groups(self):
        groups: dict = {}
        for index, flt in enumerate(self._filters or []):
            groups.setdefault(str(flt.name), []).append(
                {
                    "index": index,
                    "arg": self.get_filter_arg(index, flt),
                    "operation": str(flt.operation()),
                    "options": flt.get_options(self) or None,
                    "type": flt.data_type,
                }
            )
        return groups or None

    # ---- the filtered query, counted and summed within bounds -------------------------------

    def filtered_query(self, search, filters):
        query = self.get_query()
        joins: dict = {}
        count_joins: dict = {}
        if self._search_supported and search:
            query, _count, joins, count_joins = self._apply_search(
                query, None, joins, count_joins, search
            )
        if filters and self._filters:
            query, _count, joins, count_joins = self._apply_filters(
                query, None, joins, count_joins, filters
            )
        return query, joins

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        query, joins = self.filtered_query(search, filters)
        count = self._count_and_totals(query, self._summary_totals(search, filters))
        query = self._with_loads(query)
        query, joins = self._apply_sorting(query, joins, sort_column, sort_desc)
        size = page_size or self.page_size
        too_deep = bool(page and size and page * size >= PAGE_DEPTH_CAP)
        request.fundtrack_list["too_deep"] = too_deep
        query = query.filter(false()) if too_deep else self._apply_pagination(query, page, size)
        if execute:
            query = [] if too_deep else query.all()
            self._note_locked(query)
        return count, query

    def _with_loads(self, query):
        """The rows' related rows in the same statement: `column_select_related_list`, and
        `list_loads` for those a column reaches further in (an agreement's funder)."""
        for join in self._auto_joins:
            query = query.options(joinedload(join))
        return query.options(*self.list_loads)

    def pages_offered(self, num_pages: int, page_size: int | None) -> int:
        """The pager's last page: the last one that starts within PAGE_DEPTH_CAP rows."""
        size = page_size or self.page_size
        return min(num_pages, -(-PAGE_DEPTH_CAP // size)) if size else num_pages

    def _summary_totals(self, search, filters) -> list | None:
        """Rows (currency, lines, total) from the view's summary table when it can answer:
        no search, and every filter an equality on a column `summary_columns` maps. None
        otherwise (the lines are counted)."""
        if search or not self.summary_columns:
            return None
        equal = []
        for index, _name, value in filters or ():
            flt = self._filters[index]
            column = type(flt) in (_Equals, _YearEquals) and self.summary_columns.get(
                flt.column.key
            )
            if not column:
                return None
            value = flt.clean(value)  # as _apply_filters does: the list's values are text
            equal.append((column, getattr(value, "value", value)))
        return self.summary_totals(equal)

    def summary_totals(self, equal: list[tuple[str, object]]) -> list:
        """A view with `summary_columns` answers (currency, lines, total) rows for these
        (summary column, value) equalities."""
        raise NotImplementedError

    def _count_and_totals(self, query, summed: list | None = None) -> int:
        """The number of filtered rows and, per currency, their sum: from `summed` (a
        summary table's rows) when given, else one statement over at most COUNT_CAP + 1
        filtered rows. Either way the count stops at COUNT_CAP, as the screen says. Stored
        on the request for the template."""
        model = self.model
        money = getattr(model, self.total_column) if self.total_column else None
        currency = getattr(model, "currency", None)
        columns = [model.id]
        if money is not None:
            columns += [money.label("money"), currency.label("currency")]
        capped = (
            query.with_entities(*columns).order_by(None).limit(COUNT_CAP + 1).subquery("capped")
        )
        if summed is not None:
            count = sum(lines for _currency, lines, _total in summed)
            totals = summed
        elif money is None:
            count = db.session.scalar(select(func.count()).select_from(capped))
            totals = []
        else:
            rows = db.session.execute(
                select(capped.c.currency, func.count(), func.sum(capped.c.money))
                .group_by(capped.c.currency)
                .order_by(capped.c.currency)
            ).all()
            count = sum(row[1] for row in rows)
            # SQLite sums NUMERIC as floating point: back to exact cents.
            totals = [(row[0], row[1], Decimal(row[2] or 0).quantize(CENT)) for row in rows]
        request.fundtrack_list = {
            "count": min(count, COUNT_CAP),
            "capped": count > COUNT_CAP,
            "totals": [] if count > COUNT_CAP else totals,
            "summed": money is not None,
            "depth_cap": PAGE_DEPTH_CAP,
        }
        return min(count, COUNT_CAP)

    def list_summary(self) -> dict:
        return getattr(request, "fundtrack_list", None) or {}

    # ---- search: donors' and funders' names through indexed ids -----------------------------

    def _apply_search(self, query, count_query, joins, count_joins, search):
        if not self.search_relations:
            return super()._apply_search(query, count_query, joins, count_joins, search)
        for term in search.split():
            like = tools.parse_like_term(term)
            conditions = [column.ilike(like) for column in self._own_search_columns()]
            # Ids are matched whole: an ILIKE on a column without a trigram index turns the
            # whole OR into a scan of the ledger (1.5 s at a million lines, 40x the 1k time).
            conditions += [getattr(self.model, name) == term for name in self.search_exact]
            for foreign_key, name in self.search_relations.items():
                target = name.class_
                lookup = scoped(select(target.id).where(name.ilike(like)), target, current_user)
                ids = list(db.session.scalars(lookup.limit(SEARCH_IDS_CAP)))
                if ids:
                    conditions.append(foreign_key.in_(ids))
            query = query.filter(or_(*conditions))
            if count_query is not None:
                count_query = count_query.filter(or_(*conditions))
        return query, count_query, joins, count_joins

    def _own_search_columns(self):
        return [
            getattr(self.model, name)
            for name in self.column_searchable_list
            if name not in self.search_exact
        ]

    # ---- locked lines: shown, not offered for change ---------------------------------------

    def _note_locked(self, rows) -> None:
        if self.year_column is None:
            request.fundtrack_locked = set()
            return
        years = locked_years(db.session)
        request.fundtrack_locked = {
            row.id for row in rows if getattr(row, self.year_column) in years
        }

    def is_locked_row(self, row) -> bool:
        return row.id in getattr(request, "fundtrack_locked", set())

    def row_actions_for(self, row, actions):
        if not self.is_locked_row(row):
            return actions
        changing = (EditRowAction, EditPopupRowAction, DeleteRowAction)
        return [action for action in actions if not isinstance(action, changing)]

    # ---- export of exactly the filtered rows --------------------------------------------

    @expose("/download/<any(csv, xlsx):kind>/")
    def download_view(self, kind: str):
        from fundtrack.share import exports

        if not self.export_columns:
            abort(404)
        view_args = self._get_list_extra_args()
        sort_column = self._get_column_by_idx(view_args.sort)
        if sort_column is not None:
            sort_column = sort_column[0]
        query, joins = self.filtered_query(view_args.search, view_args.filters)
        query = self._with_loads(query)
        query, joins = self._apply_sorting(query, joins, sort_column, view_args.sort_desc)
        rows = query.limit(EXPORT_CAP).all()
        table = exports.Table(
            title=str(self.name),
            columns=[
                exports.Column(str(label), kind) for _path, label, kind in self.export_columns
            ],
        )
        table.rows.extend(self.export_rows(rows))
        years = [
            value
            for index, _name, value in view_args.filters or ()
            if isinstance(self._filters[index], _YearEquals)
        ]
        return exports.download(table, kind, self.endpoint.removeprefix("admin_"), *years)

    def export_rows(self, rows):
        """The download's rows: one list of plain values per row, as `export_columns` says."""
        for row in rows:
            yield [self._export_value(row, path) for path, _label, _kind in self.export_columns]

    def _export_value(self, row, path: str):
        value = row
        for part in path.split("."):
            value = getattr(value, part, None)
            if value is None:
                return None
        formatter = self.export_formatters.get(path) if self.export_formatters else None
        if formatter is not None:
            return formatter(value)
        if isinstance(value, datetime):
            return format_moment(value)
        if isinstance(value, Decimal | int | date):
            return value
        if isinstance(value, Enum):
            return label(value)
        return str(value)

    export_formatters: dict = {}


def in_words(enum_name: str):
    """An export formatter naming a stored code in the user's language."""
    return lambda value: str(enum_label(enum_name, value))


__all__ = [
    "COUNT_CAP",
    "ListFeatures",
    "MonthFilter",
    "PAGE_DEPTH_CAP",
    "StructuralFilter",
    "bool_filter",
    "centre_filter",
    "kind_filter",
    "enum_filter",
    "in_words",
    "row_filter",
    "year_filter",
]
