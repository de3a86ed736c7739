"""The deployment files (`deploy/`) use this project's real commands, settings and ports.

Nothing here builds an image or starts a container (no container engine is
assumed): what is checked is what would otherwise fail only at an operator's
first `docker compose up`, `ray up` or `kubectl apply`. KubeRay and
Kubernetes objects are checked in `test_k8s_manifests.py`.
"""

from __future__ import annotations

import graphlib
import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from pydantic import SecretStr, ValidationError

from api.settings import Settings
from supplysync.settings import RuntimeSettings
from tests.deploy.deployfiles import (
    COMPOSE,
    DEPLOY,
    DOCKERFILE,
    IMAGE,
    K8S,
    RAY_CLUSTER,
    ROOT,
    cli_error,
    containers,
    dockerfile_instructions,
    documents,
    invocations_in_shell,
    k8s_manifests,
)

CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}


def _compose() -> dict[str, Any]:
    doc = documents(COMPOSE)[0]
    assert isinstance(doc, dict)
    return doc


def _compose_invocations() -> list[list[str]]:
    services = _compose()["services"].values()
    return [list(map(str, s["command"])) for s in services if s.get("image") == IMAGE]


def _dockerfile_invocation() -> list[str]:
    instructions = dict(dockerfile_instructions(DOCKERFILE.read_text()))
    entrypoint, cmd = json.loads(instructions["ENTRYPOINT"]), json.loads(instructions["CMD"])
    assert entrypoint == ["supplysync"]
    return list(cmd)


def _ray_invocations() -> list[list[str]]:
    config = documents(RAY_CLUSTER)[0]
    commands = [c for key, value in config.items() if key.endswith("_commands") for c in value]
    return [argv for c in commands for argv in invocations_in_shell(c)]


def _k8s_invocations() -> list[list[str]]:
    found = []
    for manifest in k8s_manifests():
        for container in containers(manifest):
            if container["image"] != IMAGE:
                continue
            if "command" not in container:  # the image's entrypoint, `supplysync`
                found.append([str(a) for a in container["args"]])
            else:  # a script for `bash -c`
                assert container["command"][:2] == ["/bin/bash", "-c"]
                found.extend(invocations_in_shell("\n".join(container["args"])))
    return found


def _all_invocations() -> dict[str, list[list[str]]]:
    return {
        "compose.yaml": _compose_invocations(),
        "Dockerfile": [_dockerfile_invocation()],
        "ray/cluster.yaml": _ray_invocations(),
        "k8s/": _k8s_invocations(),
    }


def test_every_file_parses_as_yaml() -> None:
    paths = [COMPOSE, RAY_CLUSTER, DEPLOY / "mosquitto" / "kustomization.yaml"]
    for path in [*paths, *sorted(K8S.glob("*.yaml"))]:
        assert documents(path), path


def test_each_file_starts_the_commands_it_is_for() -> None:
    """Guards the finders: a file whose commands went unseen would pass the next test."""
    subcommands = {name: {argv[0] for argv in found} for name, found in _all_invocations().items()}
    assert subcommands == {
        "compose.yaml": {"broker-config", "run", "serve", "devices"},
        "Dockerfile": {"serve"},
        "ray/cluster.yaml": {"run"},
        "k8s/": {"run", "serve"},
    }


def test_every_supplysync_command_and_flag_is_one_the_cli_accepts() -> None:
    """Each argument list goes through `console.main`'s own parser, required flags included."""
    refused = {
        f"{name}: supplysync {shlex.join(argv)}": error
        for name, found in _all_invocations().items()
        for argv in found
        if (error := cli_error(argv)) is not None
    }
    assert not refused, "\n".join(
        f"{cmd}\n  {err.splitlines()[-1]}" for cmd, err in refused.items()
    )


def test_the_parser_check_refuses_a_flag_that_does_not_exist() -> None:
    argv = _compose_invocations()[0]
    assert cli_error(argv) is None
    assert cli_error([*argv, "--no-such-flag"]) is not None
    assert invocations_in_shell(f"X=1 exec supplysync {shlex.join(argv)} --nope && true") == [
        [*argv, "--nope"]
    ]


def test_supplysync_variables_are_settings_of_the_project() -> None:
    """`SUPPLYSYNC_<field>` (runtime) and `SUPPLYSYNC_API_<field>` (API) are the names read."""
    api_prefix = Settings.model_config.get("env_prefix", "")
    known = {f"SUPPLYSYNC_{f.upper()}" for f in RuntimeSettings.model_fields}
    known |= {f"{api_prefix}{f}".upper() for f in Settings.model_fields}
    files = [COMPOSE, RAY_CLUSTER, DOCKERFILE, DEPLOY / "env.example", *K8S.glob("*.yaml")]
    used = {name for p in files for name in re.findall(r"\bSUPPLYSYNC_[A-Z0-9_]+", p.read_text())}
    assert used
    assert used - known == set()


def test_brokers_are_reached_on_the_port_mosquitto_listens_on() -> None:
    conf = (DEPLOY / "mosquitto" / "mosquitto.conf").read_text()
    port = int(re.search(r"^listener (\d+)", conf, re.MULTILINE)[1])  # type: ignore[index]
    urls = [
        argv[argv.index("--broker") + 1]
        for found in _all_invocations().values()
        for argv in found
        if "--broker" in argv
    ]
    assert len(urls) >= 4
    assert {urlsplit(u).port for u in urls} == {port}
    mosquitto = _compose()["services"]["mosquitto"]
    assert mosquitto["ports"] == [f"{port}:{port}"]
    assert f"-p {port} " in mosquitto["healthcheck"]["test"][1]
    service = next(
        m
        for m in k8s_manifests()
        if m["kind"] == "Service" and m["metadata"]["name"] == "mosquitto"
    )
    assert [p["port"] for p in service["spec"]["ports"]] == [port]


def test_the_api_is_probed_and_published_on_the_port_serve_listens_on() -> None:
    serves = [argv for found in _all_invocations().values() for argv in found if argv[0] == "serve"]
    ports = {argv[argv.index("--port") + 1] for argv in serves}
    assert ports == {"8000"}
    instructions = dockerfile_instructions(DOCKERFILE.read_text())
    assert ("EXPOSE", "8000") in instructions
    healthcheck = next(args for name, args in instructions if name == "HEALTHCHECK")
    assert "http://127.0.0.1:8000/" in healthcheck
    assert _compose()["services"]["serve"]["ports"] == ["127.0.0.1:8000:8000"]


def test_the_image_runs_as_a_numeric_user_that_is_not_root() -> None:
    stages = DOCKERFILE.read_text().split("\nFROM ")
    users = [args for name, args in dockerfile_instructions(stages[-1]) if name == "USER"]
    assert users, "the runtime stage sets no USER"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) != 0


def test_the_image_copies_every_package_pyproject_installs() -> None:
    """A package added to pyproject but not copied would be missing from the image."""
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = {
        p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    copied = {
        args.split()[0]
        for name, args in dockerfile_instructions(DOCKERFILE.read_text())
        if name == "COPY" and not args.startswith("--from")
    }
    assert packages <= copied
    allowed = {line[1:].rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()}
    for source in copied:
        assert source in allowed, f".dockerignore keeps {source} out of the build context"
        assert (ROOT / source).exists(), source


def test_compose_dependencies_name_services_and_have_no_cycle() -> None:
    services = _compose()["services"]
    graph = {}
    for name, service in services.items():
        depends = service.get("depends_on", {})
        assert set(depends) <= set(services), name
        for other, rule in depends.items():
            assert rule["condition"] in CONDITIONS
            if rule["condition"] == "service_healthy":
                checked = services[other].get("healthcheck", {})
                assert "test" in checked and not checked.get("disable"), f"{name} -> {other}"
        graph[name] = set(depends)
    graphlib.TopologicalSorter(graph).prepare()  # raises CycleError


def test_compose_secrets_have_no_default_and_the_example_fails_the_api_checks() -> None:
    env = _compose()["services"]["serve"]["environment"]
    for name in ("SUPPLYSYNC_API_SECRET_KEY", "SUPPLYSYNC_API_ADMIN_KEY", "PGPASSWORD"):
        assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]+\}", env[name]), name
    example = dict(
        line.split("=", 1)
        for line in (DEPLOY / "env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    with pytest.raises(ValidationError):
        Settings(
            secret_key=SecretStr(example["SUPPLYSYNC_API_SECRET_KEY"]),
            admin_key=SecretStr(example["SUPPLYSYNC_API_ADMIN_KEY"]),
        )


def _compose_cli() -> list[str]:
    """`docker compose` where the plugin is installed, else Compose v1's `docker-compose`."""
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run(
            [docker, "compose", "version"], capture_output=True, check=False
        ).returncode
        == 0
    ):
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    if legacy is None:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed")
    return [legacy]


def test_docker_compose_accepts_the_file_and_refuses_it_without_secrets(tmp_path: Path) -> None:
    """`config` checks the file against Compose's schema; it needs no container engine."""
    # An empty --env-file: an operator's deploy/.env must not fill in what this leaves out.
    (tmp_path / "empty.env").touch()
    command = [*_compose_cli(), "--env-file", str(tmp_path / "empty.env"), "-f", str(COMPOSE)]
    command += ["config", "-q"]
    base = {k: os.environ[k] for k in ("PATH", "HOME") if k in os.environ}
    filled = {
        **base,
        "SUPPLYSYNC_API_SECRET_KEY": secrets.token_urlsafe(48),
        "SUPPLYSYNC_API_ADMIN_KEY": secrets.token_urlsafe(32),
        "POSTGRES_PASSWORD": secrets.token_urlsafe(24),
    }
    ok = subprocess.run(
        command, env=filled, capture_output=True, text=True, timeout=60, check=False
    )
    assert ok.returncode == 0, ok.stderr
    refused = subprocess.run(
        command, env=base, capture_output=True, text=True, timeout=60, check=False
    )
    assert refused.returncode != 0
    assert "deploy/.env" in refused.stderr
