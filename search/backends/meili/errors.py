"""How Meilisearch failures reach the rest of the portal.

Two kinds only: the engine cannot answer (down, timeout, 5xx, rejected key, failed task,
answer we cannot read) → SearchUnavailable, and the service falls back to postgres; or the
engine says our request is malformed (400, e.g. an invalid filter) → InvalidSearchRequest, a
ValueError: a bug on our side that falling back would only hide.
"""
from __future__ import annotations

from contextlib import contextmanager

import pydantic
import requests
from meilisearch.errors import MeilisearchApiError, MeilisearchCommunicationError, MeilisearchTimeoutError

from search.backends.base import SearchUnavailable


class InvalidSearchRequest(ValueError):
    """Meilisearch rejected the request as malformed; the message is Meilisearch's own."""

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code


class TaskFailed(SearchUnavailable):
    """An asynchronous Meilisearch task ended failed or canceled."""

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.code = code


def is_not_found(exc: BaseException) -> bool:
    """The index (or document) does not exist — an expected state before the first rebuild."""
    return (isinstance(exc, MeilisearchApiError) and exc.status_code == 404) or (
        isinstance(exc, TaskFailed) and exc.code == "index_not_found")


# The client appends this to errors of some calls (search, facet search, get documents).
_CLIENT_HINT = ". Hint: It might not be working because you're not up to date"


def meili_message(exc: MeilisearchApiError) -> str:
    """Meilisearch's own message, without the client's version hint."""
    return str(exc.message).split(_CLIENT_HINT, 1)[0]


@contextmanager
def engine_errors(action: str):
    """Translate every client, network and protocol error raised inside the block."""
    try:
        yield
    except MeilisearchApiError as exc:
        if exc.status_code == 400:
            raise InvalidSearchRequest(meili_message(exc), code=exc.code) from exc
        raise SearchUnavailable(f"Meilisearch ({action}) : {meili_message(exc)} "
                                f"[HTTP {exc.status_code}, {exc.code}]") from exc
    except (MeilisearchCommunicationError, MeilisearchTimeoutError) as exc:
        raise SearchUnavailable(f"Meilisearch ({action}) injoignable : {exc.message}") from exc
    except (requests.RequestException, pydantic.ValidationError) as exc:
        # requests' JSONDecodeError is a RequestException: a non-JSON answer (proxy page…).
        raise SearchUnavailable(f"Meilisearch ({action}) : réponse illisible ({exc})") from exc
    except (KeyError, TypeError, AttributeError) as exc:
        # The blocks wrap client calls only: these come from the client reading an answer
        # that does not have the documented shape (a proxy, an incompatible version…).
        raise SearchUnavailable(f"Meilisearch ({action}) : réponse inattendue ({exc!r})") from exc
