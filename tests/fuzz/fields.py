"""Drawing message fields in bounds or beyond them, shared by the fuzz harnesses.

Valid values include the bounds themselves; "beyond" values are out of
bounds or malformed. A field draws from "beyond" `beyond_pct` percent of the
time, and a whole body now and then loses a field or gains one; `strayed`
names what was drawn out of bounds, so a harness knows whether the message
must be refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st


def edges(*values: Any) -> st.SearchStrategy[Any]:
    """Exactly these values: the bounds and the known-bad cases."""
    return st.sampled_from(values)


@dataclass
class Fields:
    """Draws each field in bounds, or beyond them `beyond_pct` percent of the time.

    Attributes:
        also_beyond: drawn from besides each field's own "beyond" values
            (junk of any shape); None for the field's own only.
        extra_key, extra: the field a body gains, and what it holds.
    """

    draw: st.DrawFn
    beyond_pct: int
    extra_key: str
    extra: st.SearchStrategy[Any]
    also_beyond: st.SearchStrategy[Any] | None = None
    strayed: list[str] = field(default_factory=list)

    def pick(self, name: str, valid: st.SearchStrategy[Any], beyond: st.SearchStrategy[Any]) -> Any:
        if self.draw(st.integers(0, 99)) < self.beyond_pct:
            self.strayed.append(name)
            wider = beyond if self.also_beyond is None else st.one_of(beyond, self.also_beyond)
            return self.draw(wider)
        return self.draw(valid)

    def shaped(self, body: dict[str, Any]) -> dict[str, Any]:
        """`body`, now and then with a field missing or one too many."""
        if body and self.draw(st.integers(0, 99)) < self.beyond_pct // 3:
            name = self.draw(st.sampled_from(sorted(body)))
            self.strayed.append(name)
            body.pop(name)
        if self.draw(st.integers(0, 99)) < self.beyond_pct // 3:
            self.strayed.append("extra")
            body[self.extra_key] = self.draw(self.extra)
        return body
