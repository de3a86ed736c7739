"""A private Mosquitto broker per test, on a free port, for tests that need their own setup.

The shared broker at 127.0.0.1:1883 is fine for reading and writing
messages; tests that restart or kill the broker, or that need the project's
ACL configuration, start their own (`mosquitto -c FILE`) so they never
disturb another test or the developer's broker. Persistence is on and lives
in the test's temporary directory, so a restart (SIGTERM, then start again
on the same port) keeps queued QoS 1 messages and persistent sessions.
"""

from __future__ import annotations

import getpass
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from tests.services import executable

START_TIMEOUT_S = 10.0


def free_port() -> int:
    """A TCP port nobody is listening on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivateBroker:
    """One `mosquitto` process on 127.0.0.1:`port`, with persistence under `workdir`.

    Args:
        workdir: holds the generated config, the persistence file and the log.
        extra_conf: lines appended to the listener config (ACL, password file, ...).
        allow_anonymous: whether clients without credentials may connect.
    """

    def __init__(
        self, workdir: Path, *, extra_conf: str = "", allow_anonymous: bool = True
    ) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.conf = workdir / "mosquitto.conf"
        self.log = workdir / "mosquitto.log"
        self.conf.write_text(
            f"listener {self.port} 127.0.0.1\n"
            # as root, mosquitto would drop to a user that cannot write in workdir
            f"user {getpass.getuser()}\n"
            f"allow_anonymous {'true' if allow_anonymous else 'false'}\n"
            "persistence true\n"
            f"persistence_location {workdir}/\n"
            "autosave_interval 0\n"  # save only on shutdown; SIGTERM must then keep everything
            f"log_dest file {self.log}\n"
            "log_type error\nlog_type warning\nlog_type notice\n"
            "max_queued_messages 0\n"  # unlimited: no test may lose a message to a queue cap
            f"{extra_conf}\n"
        )
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start mosquitto and wait until it accepts connections."""
        self._proc = subprocess.Popen(
            [executable("mosquitto"), "-c", str(self.conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                err = self._proc.stderr.read().decode() if self._proc.stderr else ""
                raise RuntimeError(f"mosquitto exited at start: {err} {self._log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"mosquitto did not listen on {self.port} in {START_TIMEOUT_S}s")

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        """Stop it with `sig` (SIGTERM saves persistence; SIGKILL does not) and reap it."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.send_signal(sig)
            self._proc.wait(timeout=START_TIMEOUT_S)
        if self._proc.stderr:
            self._proc.stderr.close()
        self._proc = None

    def restart(self) -> None:
        """SIGTERM, then start again on the same port with the same persistence."""
        self.stop(signal.SIGTERM)
        self.start()

    def _log_tail(self) -> str:
        return self.log.read_text()[-2000:] if self.log.exists() else ""

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop(signal.SIGKILL)
