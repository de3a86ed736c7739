"""The store's exceptions, and URLs made safe to print.

    StoreError                  the database or its driver refused
    └── StoreUnavailableError   the server could not be reached, or dropped
                                the connection (a restart, a network cut)

Every failure of the database driver (sqlite3 or psycopg) surfaces as one of
them, raised `from` the driver's exception, so callers never import a
driver. Messages name the store by its URL with any password replaced,
because they end up in logs, and are one line.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


class StoreError(Exception):
    """The event store could not be opened, read or written."""


class StoreUnavailableError(StoreError):
    """The database server could not be reached or dropped the connection.

    Nothing of the failed call is known to have been written (a commit whose
    answer was lost may have been: appends are idempotent, so writing again
    is safe). The store connects again at its next call, so the caller may
    retry later; `StoreSink` waits out such an outage.
    """


def redact(url: str) -> str:
    """`url` with its password (if any) replaced by `***`."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return url.split("@", 1)[-1] if "@" in url else url
    if not password:
        return url
    netloc = parts.netloc.replace(f":{password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def scrub(text: str, url: str) -> str:
    """`text` with the password of `url` removed, for driver messages that echo it."""
    try:
        password = urlsplit(url).password
    except ValueError:
        return text
    return text.replace(password, "***") if password else text
