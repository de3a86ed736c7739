"""What the benchmarks need of this machine: programs, free ports, listening ports.

Benchmarks start their own services (a broker, `run`, `serve`) on 127.0.0.1
and cannot lean on the test suite's helpers, which are not installed.
"""

from __future__ import annotations

import shutil
import socket

_SBIN = "/usr/sbin:/usr/local/sbin"


def which(name: str) -> str:
    """The path of program `name`, looking in the sbin directories too (mosquitto lives there).

    Raises:
        FileNotFoundError: it is not installed.
    """
    path = shutil.which(name) or shutil.which(name, path=_SBIN)
    if path is None:
        raise FileNotFoundError(f"`{name}` is not installed")
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody is listening on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listening(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:`port`."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False
