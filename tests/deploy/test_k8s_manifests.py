"""The KubeRay and Kubernetes manifests (`deploy/k8s/`) are well formed and agree.

Built-in kinds are validated offline against the Kubernetes 1.32 schemas of
`kubernetes-validate`, strictly (an unknown field is an error). No package
ships KubeRay's schema, so of a RayCluster the pod templates are validated
(as PodTemplates) and the fields KubeRay requires are checked here. The
Ray cluster-launcher file goes through Ray's own config validation.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from typing import Any

import kubernetes_validate
import pytest
import yaml
from pydantic import SecretStr, ValidationError
from ray.autoscaler._private.util import prepare_config, validate_config

from api.settings import Settings
from tests.deploy.deployfiles import (
    DEPLOY,
    IMAGE,
    K8S,
    RAY_CLUSTER,
    containers,
    documents,
    k8s_manifests,
    pod_templates,
)

KUBERNETES = "1.32"
SECRETS = K8S / "secrets.example.yaml"


def _objects() -> list[dict[str, Any]]:
    return [m for m in k8s_manifests() if m["kind"] != "Kustomization"]


def _secrets() -> dict[str, set[str]]:
    return {s["metadata"]["name"]: set(s["stringData"]) for s in documents(SECRETS)}


def test_every_object_has_api_version_kind_and_name() -> None:
    for manifest in _objects():
        assert manifest.get("apiVersion") and manifest.get("kind"), manifest
        assert manifest.get("metadata", {}).get("name"), manifest


def test_built_in_objects_match_the_kubernetes_schema() -> None:
    built_in = [m for m in _objects() if m["kind"] != "RayCluster"]
    assert {m["kind"] for m in built_in} >= {"Deployment", "Service", "Secret", "Namespace"}
    for manifest in built_in:
        kubernetes_validate.validate(manifest, KUBERNETES, strict=True)


def test_the_schema_check_refuses_an_unknown_field() -> None:
    deployment = next(m for m in _objects() if m["kind"] == "Deployment")
    broken = {**deployment, "spec": {**deployment["spec"], "replica": 1}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES, strict=True)


def test_the_raycluster_has_what_kuberay_requires_and_valid_pod_templates() -> None:
    (cluster,) = [m for m in _objects() if m["kind"] == "RayCluster"]
    assert cluster["apiVersion"] == "ray.io/v1"
    spec = cluster["spec"]
    groups = [spec["headGroupSpec"], *spec["workerGroupSpecs"]]
    for group in groups:
        assert isinstance(group["rayStartParams"], dict)
        template = {"apiVersion": "v1", "kind": "PodTemplate", "metadata": {"name": "t"}}
        kubernetes_validate.validate({**template, "template": group["template"]}, KUBERNETES, True)
    for group in spec["workerGroupSpecs"]:
        assert group["groupName"]
        assert group["minReplicas"] <= group["replicas"] <= group["maxReplicas"]
    ray_version = spec["rayVersion"]
    pinned = (DEPLOY.parent / "constraints.txt").read_text().splitlines()
    assert f"ray=={ray_version}" in pinned, "rayVersion must be the image's Ray"


def test_containers_run_the_project_image_as_a_non_root_user() -> None:
    images = {c["image"] for m in _objects() for c in containers(m)}
    assert images == {IMAGE, "eclipse-mosquitto:2"}
    for manifest in _objects():
        for template in pod_templates(manifest):
            assert template["spec"]["securityContext"]["runAsNonRoot"] is True


def test_every_secret_and_key_read_is_in_the_example() -> None:
    examples = _secrets()
    read: set[tuple[str, str | None]] = set()  # (secret, key); None: the whole secret
    for manifest in _objects():
        for container in containers(manifest):
            for env in container.get("env", []):
                ref = env.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    read.add((ref["name"], ref["key"]))
            read |= {(s["secretRef"]["name"], None) for s in container.get("envFrom", [])}
        for volume in (v for t in pod_templates(manifest) for v in t["spec"].get("volumes", [])):
            for source in volume.get("projected", {}).get("sources", [volume]):
                secret = source.get("secret")
                if secret:
                    name = secret.get("secretName") or secret["name"]
                    read |= {(name, item["key"]) for item in secret["items"]}
    assert len(read) >= 4
    missing = {(n, k) for n, k in read if n not in examples or (k and k not in examples[n])}
    assert missing == set()


def test_the_api_secret_placeholders_fail_the_api_checks() -> None:
    api = next(
        s["stringData"] for s in documents(SECRETS) if s["metadata"]["name"] == "supplysync-api"
    )
    with pytest.raises(ValidationError):
        Settings(
            secret_key=SecretStr(api["SUPPLYSYNC_API_SECRET_KEY"]),
            admin_key=SecretStr(api["SUPPLYSYNC_API_ADMIN_KEY"]),
        )


def test_kustomize_builds_the_set_and_names_the_generated_configmap() -> None:
    """`kubectl kustomize` runs offline (apply --dry-run=client needs a server here)."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed")
    built = subprocess.run(
        [kubectl, "kustomize", str(K8S)], capture_output=True, text=True, timeout=60, check=True
    )
    objects = [d for d in yaml.safe_load_all(built.stdout) if d]
    assert Counter(o["kind"] for o in objects) == {
        "Namespace": 1,
        "ConfigMap": 1,
        "PersistentVolumeClaim": 1,
        "Service": 2,
        "Deployment": 2,
        "RayCluster": 1,
    }
    assert {o["metadata"].get("namespace") for o in objects if o["kind"] != "Namespace"} == {
        "supplysync"
    }
    (configmap,) = [o for o in objects if o["kind"] == "ConfigMap"]
    assert set(configmap["data"]) == {"mosquitto.conf", "acl"}
    assert configmap["data"]["acl"] == (DEPLOY / "mosquitto" / "acl").read_text()
    (broker,) = [
        o for o in objects if o["metadata"]["name"] == "mosquitto" and o["kind"] == "Deployment"
    ]
    volumes = broker["spec"]["template"]["spec"]["volumes"]
    referenced = {v["configMap"]["name"] for v in volumes if "configMap" in v} | {
        s["configMap"]["name"]
        for v in volumes
        for s in v.get("projected", {}).get("sources", [])
        if "configMap" in s
    }
    assert referenced == {configmap["metadata"]["name"]}


def test_the_ray_cluster_config_passes_rays_own_validation() -> None:
    """What `ray up` does first: fill in the defaults, then check against Ray's schema."""
    validate_config(prepare_config(documents(RAY_CLUSTER)[0]))
