"""JSON for responses and templates, encoded by orjson: the search API serialises tens of
kilobytes per request, several times faster than the standard library does it.

Values orjson does not know as Flask does (dates as HTTP dates, decimals, dataclasses) go
through Flask's own conversion, so the output is the same JSON as Flask's default provider's
(keys sorted), written as UTF-8 instead of \\u escapes. jsonb read from PostgreSQL (the
search documents shown with every result) is decoded by orjson too.
"""
from __future__ import annotations

from typing import Any

import orjson
from flask import Flask
from flask.json.provider import DefaultJSONProvider
from psycopg.types.json import set_json_loads

PASSTHROUGH = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS


class OrjsonProvider(DefaultJSONProvider):
    def dumps(self, obj: Any, **kwargs: Any) -> str:
        option = PASSTHROUGH
        if kwargs.get("sort_keys", self.sort_keys):
            option |= orjson.OPT_SORT_KEYS
        if kwargs.get("indent"):
            option |= orjson.OPT_INDENT_2
        return orjson.dumps(obj, default=kwargs.get("default", self.default), option=option).decode()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return orjson.loads(s)


def init_app(app: Flask) -> None:
    app.json = OrjsonProvider(app)
    set_json_loads(orjson.loads)  # for every connection of the process
