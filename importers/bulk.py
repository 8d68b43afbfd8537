"""Bulk inserts through COPY: rows go to a temporary table shaped like the target, then one
INSERT … SELECT moves them (defaults, constraints and indexes apply as for any insert).
An order of magnitude faster than multi-row INSERT for imports."""
from __future__ import annotations

import enum
import itertools

from psycopg.types.json import Jsonb

_counter = itertools.count()


def _adapt(value, is_json: bool):
    if value is None:
        return None
    if is_json:
        return Jsonb(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def copy_insert(session, table: str, rows: list[dict], returning: tuple[str, ...] = ()) -> list[tuple]:
    """Insert `rows` (dicts with the same keys) into `table`; returns the RETURNING tuples."""
    if not rows:
        return []
    columns = list(rows[0])
    names = ", ".join(columns)
    stage = f"_stage_{table}_{next(_counter)}"
    connection = session.connection()
    connection.exec_driver_sql(f"CREATE TEMP TABLE {stage} (LIKE {table}) ON COMMIT DROP")
    attributes = connection.exec_driver_sql(
        f"SELECT attname, format_type(atttypid, NULL), attnotnull FROM pg_attribute "
        f"WHERE attrelid = '{stage}'::regclass AND attnum > 0 AND NOT attisdropped"
    ).all()
    for name, _, not_null in attributes:
        if not_null and name not in columns:  # filled by the target's default on INSERT
            connection.exec_driver_sql(f"ALTER TABLE {stage} ALTER COLUMN {name} DROP NOT NULL")
    json_columns = {name for name, kind, _ in attributes if kind in ("json", "jsonb")}
    flags = [c in json_columns for c in columns]
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([_adapt(row[c], flag) for c, flag in zip(columns, flags)])
    returning_sql = f" RETURNING {', '.join(returning)}" if returning else ""
    result = connection.exec_driver_sql(
        f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage}{returning_sql}"
    )
    found = [tuple(r) for r in result.all()] if returning else []
    connection.exec_driver_sql(f"DROP TABLE {stage}")
    return found
