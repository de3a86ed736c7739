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


class _System:
    """The system's side: publishes commands to the device, collects its answers."""

    def __init__(self, broker: PrivateBroker) -> None:
        self.broker = broker
        self.acks: list[CommandAck] = []
        self.executed: list[str] = []

    def carry_out(self, command: Command) -> str | None:
        self.executed.append(command.command_id)
        return None

    async def started(self, execute: Callable[[Command], str | None]) -> asyncio.Task[None]:
        """A device running with `execute`, once it is subscribed."""
        device = _device(self.broker, execute)
        running = asyncio.create_task(device.run())
        await asyncio.wait_for(device.ready.wait(), WAIT_S)
        return running

    @property
    def statuses(self) -> list[str]:
        return [a.status for a in self.acks]


def test_a_command_the_device_died_on_comes_again_when_it_is_back(tmp_path: Path) -> None:
    with PrivateBroker(tmp_path) as broker:
        system = _System(broker)
        asyncio.run(_dies_and_comes_back(system))
    assert system.executed == ["plan-1/M1"]  # carried out once, by the device that came back
    # the first device said `received` before it died; the second answers in full
    assert system.statuses == ["received", "received", "done"]


async def _dies_and_comes_back(system: _System) -> None:
    def die(command: Command) -> str | None:
        raise PowerCutError(command.command_id)

    async with aiomqtt.Client("127.0.0.1", system.broker.port) as client:
        await client.subscribe(str(HOME.on("ack")), qos=1)
        listener = asyncio.create_task(_acks(client, system.acks))
        running = await system.started(die)
        await client.publish(str(HOME), records.command("plan-1").model_dump_json(), qos=1)
        with pytest.raises(ExceptionGroup) as died:
            await asyncio.wait_for(running, WAIT_S)
        assert died.group_contains(PowerCutError)
        running = await system.started(system.carry_out)
        await _until(lambda: "done" in system.statuses, "the command done")
        running.cancel()
        listener.cancel()


def test_a_command_delivered_twice_is_carried_out_once_and_answered_twice(
    tmp_path: Path,
) -> None:
    with PrivateBroker(tmp_path) as broker:
        system = _System(broker)
        asyncio.run(_delivered_twice(system))
    assert system.executed == ["plan-1/M1"]
    assert system.statuses == ["received", "done", "done"]


async def _delivered_twice(system: _System) -> None:
    async with aiomqtt.Client("127.0.0.1", system.broker.port) as client:
        await client.subscribe(str(HOME.on("ack")), qos=1)
        listener = asyncio.create_task(_acks(client, system.acks))
        running = await system.started(system.carry_out)
        payload = records.command("plan-1").model_dump_json()
        await client.publish(str(HOME), payload, qos=1)
        await client.publish(str(HOME), payload, qos=1)  # a redelivery, as the device sees it
        await _until(lambda: len(system.acks) == 3, "three answers")
        running.cancel()
        listener.cancel()
