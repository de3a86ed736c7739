"""A private PostgreSQL server per test, on a free port, for tests that restart or kill it.

The shared server at 127.0.0.1:5432 (`tests/conftest.py`'s `pg_database`)
serves every other PostgreSQL test and CI; a test that takes the server
away starts its own: `initdb` into a temporary directory (trust auth, user
`postgres`, listening on 127.0.0.1 only, its unix socket in the same
directory), then `pg_ctl` to start, stop and restart it. PostgreSQL refuses
to run as root, so when the tests do (as here) every server command runs as
the `postgres` user, in a directory that user owns.

    with PrivatePostgres() as pg:
        url = pg.url                 # postgresql://postgres@127.0.0.1:PORT/postgres
        pg.restart("immediate")      # a crash and recovery, as after SIGKILL of the server
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Literal, Self

from tests.brokers import free_port
from tests.services import unavailable

ShutdownMode = Literal["smart", "fast", "immediate"]
"""`pg_ctl -m`: `fast` ends every session with `terminating connection due to
administrator command` and checkpoints; `immediate` quits at once, and the
next start recovers from the WAL (what a crash of the server looks like)."""

START_TIMEOUT_S = 30


def _program(name: str) -> str:
    """A PostgreSQL server program: on PATH, or the newest in Debian's versioned directories."""
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        unavailable(f"`{name}` is not installed (PostgreSQL server programs)")
    return found


class PrivatePostgres:
    """One PostgreSQL server on 127.0.0.1:`port`, its cluster and log in a temporary directory.

    The directory is removed when the block ends, the server stopped
    (`immediate`) first if it still runs.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.workdir = Path(tempfile.mkdtemp(prefix="supplysync-pg-"))
        self.data = self.workdir / "data"
        self.log = self.workdir / "server.log"
        self._running = False

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> None:
        """Create the cluster (trust auth, superuser `postgres`) and its settings."""
        if os.geteuid() == 0:
            try:
                shutil.chown(self.workdir, user="postgres", group="postgres")
            except LookupError:
                unavailable("tests run as root and there is no `postgres` user to run PostgreSQL")
        self._run(
            _program("initdb"),
            *("-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8"),
            "--no-sync",  # the cluster's files only; the server itself fsyncs as usual
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {self.port}\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.workdir}'\n"
            )

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        self._ctl("start", "-l", str(self.log))
        self._running = True

    def stop(self, mode: ShutdownMode = "fast") -> None:
        """Stop the server, waiting until it is gone."""
        self._ctl("stop", "-m", mode)
        self._running = False

    def restart(self, mode: ShutdownMode = "fast") -> None:
        """Stop with `mode`, then start again on the same port and data; waits for both."""
        self._ctl("restart", "-m", mode, "-l", str(self.log))
        self._running = True

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def _ctl(self, action: str, *args: str) -> None:
        pg_ctl = _program("pg_ctl")
        self._run(pg_ctl, action, "-D", str(self.data), "-w", "-t", str(START_TIMEOUT_S), *args)

    def _run(self, *cmd: str) -> None:
        if os.geteuid() == 0:
            runuser = shutil.which("runuser") or shutil.which("runuser", path="/usr/sbin:/sbin")
            if runuser is None:
                unavailable("tests run as root and `runuser` is missing to start PostgreSQL")
            cmd = (runuser, "-u", "postgres", "--", *cmd)
        timeout = START_TIMEOUT_S + 10
        done = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(cmd)} exited {done.returncode}: {done.stderr}\n{self.log_tail()}"
            )

    def __enter__(self) -> Self:
        try:
            self.init()
            self.start()
        except BaseException:
            shutil.rmtree(self.workdir, ignore_errors=True)
            raise
        return self

    def __exit__(self, *_: object) -> None:
        try:
            if self._running:
                self.stop("immediate")
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)
