"""Bulk writes. Inserts go through COPY, straight into the target table: defaults, constraints, indexes
and foreign keys apply as for any insert, at a fraction of the cost of multi-row INSERTs.
Ids wanted back are drawn from the table's sequence first, so no RETURNING is needed."""
from __future__ import annotations

import enum
import json
from operator import itemgetter

from sqlalchemy import Integer, any_, literal
from sqlalchemy.dialects.postgresql import ARRAY

_json_columns: dict[str, frozenset[str]] = {}
_sequences: dict[str, str] = {}


def _json_text(value) -> str:
    if value == []:  # most import items have no errors and no warnings
        return "[]"
    return json.dumps(value, ensure_ascii=False, default=str)


def _enum_value(value) -> str:
    return value.value


def _json_columns_of(connection, table: str) -> frozenset[str]:
    if table not in _json_columns:
        _json_columns[table] = frozenset(connection.exec_driver_sql(
            "SELECT attname FROM pg_attribute WHERE attrelid = %(table)s::regclass AND attnum > 0 "
            "AND NOT attisdropped AND atttypid IN ('json'::regtype, 'jsonb'::regtype)", {"table": table},
        ).scalars())
    return _json_columns[table]


def _sequence_of(connection, table: str) -> str:
    """The name of the sequence `table`'s ids are drawn from, looked up once: asked for on each
    row (pg_get_serial_sequence in the select list), it cost ten times the drawing itself."""
    if table not in _sequences:
        _sequences[table] = connection.exec_driver_sql(
            "SELECT pg_get_serial_sequence(%(table)s, 'id')", {"table": table}).scalar_one()
    return _sequences[table]


def any_ids(ids: list[int]):
    """`= ANY(array)`: one parameter, however many ids (an IN list renders one per id)."""
    return any_(literal(ids, ARRAY(Integer)))


def copy_insert(session, table: str, rows: list[dict], returning: tuple[str, ...] = ()) -> list[tuple]:
    """Insert `rows` (dicts with the same keys) into `table`; returns, per row and in order,
    the `returning` values ("id" is allocated from the table's sequence when asked for)."""
    if not rows:
        return []
    connection = session.connection()
    columns = list(rows[0])
    ids = None  # drawn here, and written after each row's own values
    if "id" in returning and "id" not in rows[0]:
        ids = connection.exec_driver_sql(
            "SELECT nextval(%(sequence)s::regclass) FROM generate_series(1, %(n)s)",
            {"sequence": _sequence_of(connection, table), "n": len(rows)},
        ).scalars().all()
    json_columns = _json_columns_of(connection, table)
    # Values go as they are, except JSON (serialised here) and enums (their value): found per
    # column once, not per value, since this loop runs for every imported row.
    special = []
    for position, column in enumerate(columns):
        if column in json_columns:
            special.append((position, _json_text))
        else:
            sample = next((row[column] for row in rows if row[column] is not None), None)
            if isinstance(sample, enum.Enum):
                special.append((position, _enum_value))
    getter = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({', '.join(columns + ['id'] if ids else columns)}) FROM STDIN") as copy:
            write = copy.write_row
            for position, row in enumerate(rows):
                values = getter(row)
                if special:
                    values = list(values)
                    for column, adapt in special:
                        if values[column] is not None:
                            values[column] = adapt(values[column])
                    if ids:
                        values.append(ids[position])
                elif ids:
                    values = (*values, ids[position])
                write(values)
    if not returning:
        return []
    return [tuple(ids[position] if ids and name == "id" else row[name] for name in returning)
            for position, row in enumerate(rows)]
