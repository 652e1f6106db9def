"""Donors of one centre that are likely one person: pairs with a score and their reasons.

Found in SQL on both databases, never by comparing donors in Python. Each reason makes a key
per donor (the folded name, the IBAN, the e-mail in lower case, the postcode with the house
number); donors of one centre sharing a key form a pair, and a pair's score adds up the
weights of the keys it shares. The folding is plain `replace()` (which SQLite and PostgreSQL
both have, unlike `unaccent`, `translate` or regular expressions): letters with diacritics
become their base letter ("Sørensen" and "Sorensen", "Müller" and "Muller" meet), case is
ignored, and spaces and punctuation are left out ("J. de  Vries" and "J de Vries" meet).
"""

from dataclasses import dataclass, field

from sqlalchemy import case, func, literal, literal_column, select
from sqlalchemy.orm import Session

from fundtrack.auth.access import scoped
from fundtrack.auth.models import User
from fundtrack.income.models import Donor

# Reason -> weight: an IBAN or an e-mail is rarely shared by two people, a name often is.
REASONS = {"iban": 40, "email": 35, "address": 25, "name": 20}
LIMIT = 200

_FOLDED = {
    "a": "àáâãäåāą", "ae": "æ", "c": "çćč", "d": "ď", "e": "èéêëēęě", "i": "ìíîïī",
    "l": "ł", "n": "ñńň", "o": "òóôõöøō", "oe": "œ", "r": "ř", "s": "śš", "ss": "ß",
    "t": "ť", "u": "ùúûüūů", "y": "ýÿ", "z": "źżž",
}  # fmt: skip
# Left out of a key altogether: spaces and the punctuation names are written with.
_DROPPED = " .,-'’/()&\"_;:"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


STAGE = 20  # replace() calls nested in one expression: SQLite's parser stops short of 40


def _replaced(sql: str, pairs) -> str:
    for old, new in pairs:
        sql = "replace({}, '{}', '{}')".format(sql, old.replace("'", "''"), new)
    return sql


def _fold_pairs() -> list[tuple[str, str]]:
    pairs = [(char, plain) for plain, chars in _FOLDED.items() for char in chars]
    # SQLite's lower() knows only ASCII: capitals with diacritics are folded too.
    pairs += [(char.upper(), plain) for plain, chars in _FOLDED.items() for char in chars
              if len(char.upper()) == 1 and char.upper() != char]  # fmt: skip
    return pairs + [(char, "") for char in _DROPPED]


def _staged(rows, columns: tuple[str, ...], pairs, name: str, carried: tuple[str, ...] = ()):
    """`rows` (a select of id, centre_id, `columns` and `carried`) with `pairs` replaced in
    each of `columns`, in common table expressions of a few replacements each, one reading
    the other (a hundred nested calls, or as many nested subqueries, are more than SQLite's
    parser takes; a join between them would be evaluated row by row)."""
    current = rows.cte(f"{name}_0")
    for step, start in enumerate(range(0, len(pairs), STAGE), start=1):
        chunk = pairs[start : start + STAGE]
        current = select(
            current.c.id,
            current.c.centre_id,
            *[current.c[c] for c in carried],
            *[literal_column(_replaced(f"{current.name}.{c}", chunk)).label(c) for c in columns],
        ).cte(f"{name}_{step}")
    return current


def _keys(reason: str, user: User, centre_id: int | None):
    """(id, centre_id, key) of the donors that have this reason's key."""
    present = {
        "iban": [Donor.iban.is_not(None), Donor.iban != ""],
        "email": [Donor.email.is_not(None), Donor.email != ""],
        "name": [Donor.name != ""],
        "address": [Donor.postcode.is_not(None), Donor.postcode != "",
                    Donor.address.is_not(None), Donor.address != ""],
    }[reason]  # fmt: skip
    raw = {
        "iban": [Donor.iban.label("key")],
        "email": [func.lower(Donor.email).label("key")],
        "name": [Donor.name.label("key")],
        # A postcode has no diacritics: without spaces, in lower case ("2011 AB", "2011ab").
        "address": [
            func.lower(func.replace(Donor.postcode, " ", "")).label("postcode"),
            Donor.address.label("address"),
        ],
    }[reason]
    rows = scoped(select(Donor.id, Donor.centre_id, *raw).where(*present), Donor, user)
    if centre_id is not None:
        rows = rows.where(Donor.centre_id == centre_id)
    if reason in ("iban", "email"):
        return rows
    if reason == "name":
        folded = _staged(rows, ("key",), _fold_pairs(), reason)
        return select(folded.c.id, folded.c.centre_id, func.lower(folded.c.key).label("key"))
    folded = _staged(rows, ("address",), _fold_pairs(), reason, carried=("postcode",))
    lowered = select(
        folded.c.id,
        folded.c.centre_id,
        folded.c.postcode,
        func.lower(folded.c.address).label("address"),
    )
    # The house number: the digits of the address ("Dorpsstraat 12a" and "Dorpsstr. 12").
    number = _staged(
        lowered, ("address",), [(c, "") for c in _LETTERS], "number", carried=("postcode",)
    )
    return select(
        number.c.id,
        number.c.centre_id,
        (number.c.postcode + literal("#") + number.c.address).label("key"),
    ).where(number.c.address != "")


def _pairs(reason: str, user: User, centre_id: int | None):
    """The donors sharing this reason's key with an older donor of their centre, paired with
    the oldest of them, as (first, second, weight, reason): a window over the keys, no join
    (three donors with one e-mail address are two pairs, each with the oldest)."""
    keys = _keys(reason, user, centre_id).cte(f"{reason}_keys").prefix_with("MATERIALIZED")
    group = (keys.c.centre_id, keys.c.key)
    grouped = select(
        keys.c.id,
        func.min(keys.c.id).over(partition_by=group).label("first"),
    ).subquery(f"{reason}_grouped")
    return select(
        grouped.c.first,
        grouped.c.id.label("second"),
        literal(REASONS[reason]).label("weight"),
        literal(reason).label("reason"),
    ).where(grouped.c.id != grouped.c.first)


@dataclass
class LikelyDuplicate:
    first: Donor
    second: Donor
    score: int
    reasons: list[str] = field(default_factory=list)


def likely_duplicates(
    session: Session, user: User, centre_id: int | None = None, limit: int = LIMIT
) -> list[LikelyDuplicate]:
    """Pairs of donors (of one centre, each visible to `user`, none merged) that are likely
    the same person, the most likely first; the older donor of a pair comes first. Donors
    sharing a key with several others are paired with the oldest of them."""
    parts = [_pairs(reason, user, centre_id) for reason in REASONS]
    found = parts[0].union_all(*parts[1:]).subquery("pairs")
    flags = [
        func.max(case((found.c.reason == reason, 1), else_=0)).label(reason) for reason in REASONS
    ]
    score = func.sum(found.c.weight).label("score")
    rows = session.execute(
        select(found.c.first, found.c.second, score, *flags)
        .group_by(found.c.first, found.c.second)
        .order_by(score.desc(), found.c.first, found.c.second)
        .limit(limit)
    ).all()
    ids = {row.first for row in rows} | {row.second for row in rows}
    donors = {d.id: d for d in session.scalars(select(Donor).where(Donor.id.in_(ids)))}
    return [
        LikelyDuplicate(
            donors[row.first],
            donors[row.second],
            int(row.score),
            [reason for reason in REASONS if getattr(row, reason)],
        )
        for row in rows
    ]
