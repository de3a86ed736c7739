"""Stored records that no longer load become dead letters instead of failing the read.

A store outlives the code that wrote it. A record that looser, older
validation let in (an Infinity, stored by JSON as null) would otherwise fail
every read that touches it, and with the reads the restart of `run` (which
replays readings) and the start of `serve` (which lists alerts). Loading
validates record by record: what validates is returned, and each record that
does not becomes one `DeadLetter` (source "store", topic the record kind,
the stored text as its raw bytes, the fields at fault as its reason) for the
store to keep. A dead letter's key is the record's text, so reading the
same bad record again records nothing new.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from supplysync.deadletters import DeadLetter, validation_reason
from supplysync.readings import READING_ADAPTER, Reading

T = TypeVar("T")


class Loader:
    """Validates stored bodies and keeps a dead letter for each that fails."""

    def __init__(self) -> None:
        self.letters: list[DeadLetter] = []

    def each(self, adapter: TypeAdapter[T], bodies: Iterable[str], kind: str) -> list[T]:
        """The records of `bodies` (one record each) that still validate, in order."""
        out: list[T] = []
        for body in bodies:
            try:
                out.append(adapter.validate_json(body))
            except ValidationError as exc:
                self._refuse(kind, body, validation_reason(exc))
        return out

    def batched(self, bodies: Iterable[str], batch: TypeAdapter[list[Reading]]) -> list[Reading]:
        """The readings of batch rows (a JSON array each); a row that fails is read item by item."""
        out: list[Reading] = []
        for body in bodies:
            try:
                out.extend(batch.validate_json(body))
            except ValidationError:
                out.extend(self._items(body))
        return out

    def _items(self, body: str) -> list[Reading]:
        try:
            items: Any = json.loads(body)
        except ValueError as exc:
            self._refuse("reading", body, f"payload: {exc}")
            return []
        if not isinstance(items, list):
            self._refuse("reading", body, "payload: a batch row holds a JSON array")
            return []
        texts = [json.dumps(item, separators=(",", ":")) for item in items]
        return self.each(READING_ADAPTER, texts, "reading")

    def _refuse(self, kind: str, body: str, reason: str) -> None:
        raw = body.encode()
        digest = hashlib.sha256(kind.encode() + b"\x00" + raw).hexdigest()[:32]
        self.letters.append(
            DeadLetter(
                letter_id=f"store:{kind}:{digest}",
                source="store",
                topic=kind,
                raw=raw,
                reason=f"stored {kind} no longer loads: {reason}",
                at=datetime.now(UTC),
            )
        )
