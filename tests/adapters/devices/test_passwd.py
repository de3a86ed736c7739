from __future__ import annotations

import base64

import pytest

from adapters.devices.passwd import hash_line, password_file

# `mosquitto_passwd -b` (mosquitto 2.0.11) wrote this line for alice / secret
MOSQUITTO_LINE = (
    "alice:$7$101$2JsCQD9THD7uSa8+$f8nbGj529kmg25qN7g9hVCxpeat0/lOQXBFYjKYAlRB2uCfYgGZIS53"
    "OHluw2gpL5dr/tIkVMsHW04Zzny3pMg=="
)


def test_same_salt_same_line_as_mosquitto_passwd() -> None:
    salt = base64.b64decode("2JsCQD9THD7uSa8+")
    assert hash_line("alice", "secret", salt=salt) == MOSQUITTO_LINE


def test_salts_are_random() -> None:
    assert hash_line("alice", "secret") != hash_line("alice", "secret")


def test_file_is_one_sorted_line_per_user() -> None:
    text = password_file({"b": "x" * 20, "a": "y" * 20})
    assert [line.split(":")[0] for line in text.splitlines()] == ["a", "b"]


@pytest.mark.parametrize("user", ["", "a:b"])  # empty; ':' ends the name in the file
def test_unusable_user_names_are_refused(user: str) -> None:
    with pytest.raises(ValueError, match="MQTT user name"):
        hash_line(user, "secret")
