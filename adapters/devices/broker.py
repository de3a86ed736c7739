"""Where the broker is: `mqtt://host[:port]`, checked before anything connects."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PORT = 1883


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int = DEFAULT_PORT

    @classmethod
    def parse(cls, url: str) -> BrokerAddress:
        """The address in `url`; `ValueError` naming what is wrong otherwise.

        Credentials do not belong in the URL: every device has its own, from
        the credentials file.
        """
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise ValueError(f"broker URL {url!r}: {exc}") from exc
        if parts.scheme != "mqtt":
            raise ValueError(f"broker URL {url!r}: expected mqtt://host[:port]")
        if not parts.hostname:
            raise ValueError(f"broker URL {url!r}: no host")
        if parts.username or parts.password:
            raise ValueError(f"broker URL {url!r}: credentials come from --credentials")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ValueError(f"broker URL {url!r}: unexpected path or query")
        return cls(parts.hostname, DEFAULT_PORT if port is None else port)
