"""The benchmark's child processes: own sessions, stopped in order with SIGTERM, measured.

Each child runs in a session of its own, so a Ctrl-C at the terminal
reaches the benchmark alone, which then stops the children itself and in
order (the devices before the loop they feed, the loop before its broker)
with SIGTERM, as docs/operations.md stops them: `run` finishes its turn and
closes the store, mosquitto saves its persistence. A child that has not
exited in time is killed, so none outlives the benchmark. Output goes to a
log file per child, whose tail a failure quotes.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

_TICKS_PER_S = os.sysconf("SC_CLK_TCK")


class ChildExitedError(RuntimeError):
    """A child stopped while the system should be running; the message quotes its log."""


class Child:
    """One started process, its log file and its CPU time.

    Args:
        name: what messages call it (`run`, `serve`, ...).
        argv: the command.
        log: file for its stdout and stderr.
        env: its environment (default: the benchmark's).
        cwd: its working directory.
    """

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        log: Path,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.log = log
        with log.open("wb") as out:
            self._proc = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=None if env is None else dict(env),
                cwd=cwd,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self._proc.pid

    def check(self) -> None:
        """Raise `ChildExitedError` if the child has exited."""
        code = self._proc.poll()
        if code is not None:
            raise ChildExitedError(f"{self.name} exited with {code}:\n{self.tail()}")

    def cpu_seconds(self) -> float | None:
        """User plus system CPU seconds of the child so far (all its threads); None once gone."""
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return None
        fields = stat.rpartition(")")[2].split()  # the name before it may hold spaces
        return (int(fields[11]) + int(fields[12])) / _TICKS_PER_S

    def stop(self, timeout_s: float) -> int:
        """SIGTERM, wait up to `timeout_s`, then SIGKILL; the exit code."""
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
            try:
                self._proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        return self._proc.returncode

    def tail(self, chars: int = 2000) -> str:
        """The end of the child's log."""
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""
