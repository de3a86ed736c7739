"""A device's commands against a real broker: none lost to a crash, none carried out twice.

A private Mosquitto (persistent sessions on); the system side is a plain
aiomqtt client that publishes commands and collects the acks.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from pathlib import Path

import aiomqtt
import pytest

from adapters.devices import BrokerAddress, FleetSettings
from adapters.devices.device import Device
from adapters.mqtt.topics import Topic
from supplysync.commands import Command, CommandAck
from tests.adapters.store import records
from tests.brokers import PrivateBroker

HOME = Topic("plant-1", "machine", "M1", "cmd")
SETTINGS = FleetSettings(backoff_min_s=0.1, backoff_max_s=0.2)
WAIT_S = 10.0


class PowerCutError(Exception):
    """The device dies while carrying a command out."""


def _device(broker: PrivateBroker, execute: Callable[[Command], str | None]) -> Device:
    """The asset's device; every instance resumes the same persistent session."""
    return Device(
        home=HOME,
        broker=BrokerAddress("127.0.0.1", broker.port),
        password=None,
        settings=SETTINGS,
        execute=execute,
        now=lambda: records.T0,
        rng=random.Random(0),
    )


async def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = asyncio.get_running_loop().time() + WAIT_S
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def _acks(client: aiomqtt.Client, into: list[CommandAck]) -> None:
    async for message in client.messages:
        assert isinstance(message.payload, bytes)
        into.append(CommandAck.model_validate_json(message.payload))


def test_a_command_the_device_died_on_comes_again_when_it_is_back(tmp_path: Path) -> None:
    with PrivateBroker(tmp_path) as broker:
        executed, statuses = asyncio.run(_dies_and_comes_back(broker))
    assert executed == ["plan-1/M1"]  # carried out once, by the device that came back
    # the first device said `received` before it died; the second answers in full
    assert statuses == ["received", "received", "done"]


async def _dies_and_comes_back(broker: PrivateBroker) -> tuple[list[str], list[str]]:
    acks: list[CommandAck] = []
    executed: list[str] = []

    def die(command: Command) -> str | None:
        raise PowerCutError(command.command_id)

    def carry_out(command: Command) -> str | None:
        executed.append(command.command_id)
        return None

    async with aiomqtt.Client("127.0.0.1", broker.port) as system:
        await system.subscribe(str(HOME.on("ack")), qos=1)
        listener = asyncio.create_task(_acks(system, acks))
        first = _device(broker, die)
        running = asyncio.create_task(first.run())
        await asyncio.wait_for(first.ready.wait(), WAIT_S)
        await system.publish(str(HOME), records.command("plan-1").model_dump_json(), qos=1)
        with pytest.raises(ExceptionGroup) as died:
            await asyncio.wait_for(running, WAIT_S)
        assert died.group_contains(PowerCutError)
        second = _device(broker, carry_out)
        running = asyncio.create_task(second.run())
        await _until(lambda: any(a.status == "done" for a in acks), "the command done")
        running.cancel()
        listener.cancel()
    return executed, [a.status for a in acks]


def test_a_command_delivered_twice_is_carried_out_once_and_answered_twice(
    tmp_path: Path,
) -> None:
    with PrivateBroker(tmp_path) as broker:
        executed, statuses = asyncio.run(_delivered_twice(broker))
    assert executed == ["plan-1/M1"]
    assert statuses == ["received", "done", "done"]


async def _delivered_twice(broker: PrivateBroker) -> tuple[list[str], list[str]]:
    acks: list[CommandAck] = []
    executed: list[str] = []

    def carry_out(command: Command) -> str | None:
        executed.append(command.command_id)
        return None

    async with aiomqtt.Client("127.0.0.1", broker.port) as system:
        await system.subscribe(str(HOME.on("ack")), qos=1)
        listener = asyncio.create_task(_acks(system, acks))
        device = _device(broker, carry_out)
        running = asyncio.create_task(device.run())
        await asyncio.wait_for(device.ready.wait(), WAIT_S)
        payload = records.command("plan-1").model_dump_json()
        await system.publish(str(HOME), payload, qos=1)
        await system.publish(str(HOME), payload, qos=1)  # a redelivery, as the device sees it
        await _until(lambda: len(acks) == 3, "three answers")
        running.cancel()
        listener.cancel()
    return executed, [a.status for a in acks]
