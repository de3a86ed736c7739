"""`Memory.replace`, the steps' copy, gives what `model_copy(update=...)` gives."""

from __future__ import annotations

from agents.machine_memory import MachineMemory
from agents.machine_operating import RUNNING
from agents.machine_trend import TrendMemory


def test_replace_is_model_copy_with_an_update() -> None:
    first = MachineMemory(health=0.9, made={"PUMP": 3.0})
    changes: dict[str, object] = {
        "pressure": 610.0,
        "operating": RUNNING,
        "trend": TrendMemory(new=2),
    }
    replaced, copied = first.replace(**changes), first.model_copy(update=changes)
    assert replaced == copied
    assert replaced.model_dump(mode="json") == copied.model_dump(mode="json")
    assert replaced.model_fields_set == copied.model_fields_set
    assert replaced.__pydantic_extra__ is None and replaced.__pydantic_private__ is None
    assert type(replaced) is MachineMemory


def test_replace_leaves_the_record_as_it_was() -> None:
    first = MachineMemory(health=0.9)
    again = first.replace(pressure=600.0).replace(pressure=620.0, hours=3.0)
    assert first.pressure is None and first.model_fields_set == {"health"}
    assert again.pressure == 620.0 and again.hours == 3.0
    assert again.model_fields_set == {"health", "pressure", "hours"}
    assert again.replace(pressure=1.0).model_fields_set == again.model_fields_set
