"""The errors the agents' directory raises, so callers never catch Ray's own.

    DirectoryError
    ├── HostUnavailableError   a host actor died and could not answer
    ├── HostCallError          a host method raised (an agent bug, not bad data)
    └── UnknownAssetError      a command names an asset no host holds

Bad readings never raise: they become dead letters.
"""

from __future__ import annotations


class DirectoryError(RuntimeError):
    """Base of every error raised by the directory facade."""


class HostUnavailableError(DirectoryError):
    """A host actor is dead or restarting and the call could not complete."""


class HostCallError(DirectoryError):
    """A host method raised; the original exception is the `__cause__`."""


class UnknownAssetError(DirectoryError, KeyError):
    """A command or request names an asset that is not in the network."""
