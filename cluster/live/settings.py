"""How the live loop paces itself and where it connects, each value checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote, urlsplit, urlunsplit

from adapters.devices.broker_config import DISPATCH_USER, INGEST_USER
from adapters.devices.credentials import Credentials
from adapters.mqtt.broker import DEFAULT_BROKER, BrokerAddress
from adapters.mqtt.codec import Skew


@dataclass(frozen=True)
class LiveSettings:
    """Tunables of `LiveLoop`.

    Two clocks: `turn_s`, `status_every_s` and `clock_wait_s` pace the
    process itself and are wall seconds; `agent_tick_s`, `ack_timeout_s`,
    `request_lookback_s` and the skew bounds judge the network and are
    seconds on the network's
    clock (`supplysync.clock.NetworkClock`), so at `--speed 60` a 300 s
    command time-out is 5 wall seconds, as it is 5 simulated minutes.

    Attributes:
        turn_s: how often the loop reads new operator requests and asks the
            coordinator whether to replan. A replan itself is triggered by
            the scenario's planning settings (debounce, tick); this only
            bounds how late a due one starts.
        agent_tick_s: how often every agent runs its time-driven checks
            (a silent sensor, a door left open).
        ack_timeout_s: how long a dispatched command may go unanswered
            before it counts as timed out (a device on a poor link, or
            carrying out a stop, may take minutes).
        request_lookback_s: operator requests are read back this far behind
            the last read, so one the API stamped just before it was
            committed is still seen (ids make reading it twice harmless).
        status_every_s: how often the loop records a `LoopStatus` (its queue
            depths) for the API's `/metrics`, which runs in another process
            and sees only the store. A scrape reads at most this stale a
            status; each costs one row, 17,280 a day at 5 s.
        clock_wait_s: how long the loop waits at start for a fleet's clock
            announcement (retained, so it comes at once if there is one)
            before it starts on the wall's time.
        max_ahead_s: a reading stamped further ahead of the network's
            clock is a dead letter (a device clock gone wrong).
        max_behind_s: so is one stamped further behind (older than any
            device buffer holds: a clock reset, a wrong year).
    """

    turn_s: float = 1.0
    agent_tick_s: float = 60.0
    ack_timeout_s: float = 300.0
    request_lookback_s: float = 300.0
    status_every_s: float = 5.0
    clock_wait_s: float = 1.0
    max_ahead_s: float = 300.0
    max_behind_s: float = 30 * 86_400.0

    def __post_init__(self) -> None:
        if not 0 < self.turn_s <= 60:
            raise ValueError(f"Expected 0 < turn_s <= 60, got {self.turn_s}.")
        if not 0 < self.agent_tick_s <= 86_400:
            raise ValueError(f"Expected 0 < agent_tick_s <= 86400, got {self.agent_tick_s}.")
        if not 0 < self.ack_timeout_s <= 86_400:
            raise ValueError(f"Expected 0 < ack_timeout_s <= 86400, got {self.ack_timeout_s}.")
        if not 0 <= self.request_lookback_s <= 86_400:
            raise ValueError(
                f"Expected 0 <= request_lookback_s <= 86400, got {self.request_lookback_s}."
            )
        if not 0.1 <= self.status_every_s <= 3600:
            raise ValueError(f"Expected 0.1 <= status_every_s <= 3600, got {self.status_every_s}.")
        if not 0 <= self.clock_wait_s <= 60:
            raise ValueError(f"Expected 0 <= clock_wait_s <= 60, got {self.clock_wait_s}.")
        if not 0 < self.max_ahead_s <= 86_400:
            raise ValueError(f"Expected 0 < max_ahead_s <= 86400, got {self.max_ahead_s}.")
        if not 0 < self.max_behind_s <= 366 * 86_400:
            raise ValueError(f"Expected 0 < max_behind_s <= 31622400, got {self.max_behind_s}.")

    @property
    def ack_timeout(self) -> timedelta:
        return timedelta(seconds=self.ack_timeout_s)

    @property
    def request_lookback(self) -> timedelta:
        return timedelta(seconds=self.request_lookback_s)

    @property
    def skew(self) -> Skew:
        return Skew(
            ahead=timedelta(seconds=self.max_ahead_s), behind=timedelta(seconds=self.max_behind_s)
        )


@dataclass(frozen=True)
class Brokers:
    """The broker as the ingest and the dispatcher each log in to it.

    Two URLs because the project's ACL gives them different rights under
    different user names (`supplysync-ingest` reads what devices say,
    `supplysync-dispatch` writes their commands); without passwords both
    are the same `mqtt://host:port`.
    """

    ingest: str = DEFAULT_BROKER
    dispatch: str = DEFAULT_BROKER

    def __post_init__(self) -> None:
        BrokerAddress.parse(self.ingest)
        BrokerAddress.parse(self.dispatch)

    @classmethod
    def same(cls, url: str) -> Brokers:
        """Both clients on `url` (a broker without per-user ACL)."""
        return cls(ingest=url, dispatch=url)

    @classmethod
    def logged_in(cls, url: str, credentials: Credentials) -> Brokers:
        """`url` with the ingest's and the dispatcher's user names and secrets.

        Raises:
            CredentialsError: `credentials` lack one of the two system users.
            ValueError: a secret needs quoting in a URL, which
                `BrokerAddress.parse` would not undo (`broker-config`
                makes URL-safe ones).
        """
        return cls(
            ingest=_with_user(url, INGEST_USER, credentials.secret(INGEST_USER)),
            dispatch=_with_user(url, DISPATCH_USER, credentials.secret(DISPATCH_USER)),
        )


def _with_user(url: str, user: str, secret: str) -> str:
    if quote(secret, safe="") != secret:
        raise ValueError(f"the secret of MQTT user {user!r} has characters a URL cannot carry")
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:{secret}@{host}"))
