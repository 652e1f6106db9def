"""Enum column helper: values stored as readable strings with a CHECK constraint."""

import enum

from sqlalchemy import Enum


def enum_column(enum_cls: type[enum.Enum], name: str) -> Enum:
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
    )
