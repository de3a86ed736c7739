"""The scenarios an evaluation runs: files or directories, hashed, with families.

A path is a scenario file or a directory of `*.toml` scenario files. A
directory may hold a suite manifest, `suite.toml`, naming each file's
family (`[families]` then `"file.toml" = "family"`); it is not a scenario.
Without one, a scenario's family comes from its name, as generated suites
name them (`<family>-<seed>[-<variant>]`, or `<family>-<seed> (<knobs>)` as
`supplysync scenario generate --set` writes it): the part before the first
all-digit `-` or `_` segment, so `metro-2-calm`, `metro-3`,
`cold-chain_007` and `single-1 (disruptions=supplier_delay)` are of
families `metro`, `metro`, `cold-chain` and `single`. A name with no such
segment (`demo`, `demo-3d`) is its own family.

Each scenario is identified by the hash of its file's bytes, so editing a
file makes its runs new while renaming it does not.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from supplysync.scenario import Scenario, ScenarioError, load_scenario

MANIFEST = "suite.toml"
_NUMBERED = re.compile(r"^(?P<family>.+?)[-_]\d+(?:[-_ ].*)?$")


@dataclass(frozen=True)
class ScenarioCase:
    """One scenario of a suite.

    Attributes:
        name: shown in reports: the scenario's name, with its file's stem
            when two files of the suite share a name.
        digest: hash of the scenario file (16 hex digits); the key of its runs.
        family: what per-family figures group it under.
        scenario: the validated scenario, shortened when the suite is.
        path: the file it came from (None when built in memory).
    """

    name: str
    digest: str
    family: str
    scenario: Scenario
    path: Path | None = None


def family_of(name: str, manifest: Mapping[str, str] | None = None, key: str = "") -> str:
    """The family of scenario `name`: from the manifest by `key`, else from the name."""
    if manifest and key in manifest:
        return manifest[key]
    match = _NUMBERED.match(name)
    return match.group("family") if match else name


def file_digest(data: bytes) -> str:
    """The 16-hex-digit SHA-256 prefix that identifies a scenario file."""
    return hashlib.sha256(data).hexdigest()[:16]


def case_of(scenario: Scenario, *, family: str | None = None) -> ScenarioCase:
    """A case for a scenario built in memory; its digest hashes its JSON."""
    digest = file_digest(scenario.model_dump_json().encode())
    return ScenarioCase(
        name=scenario.name,
        digest=digest,
        family=family or family_of(scenario.name),
        scenario=scenario,
    )


def shorten(scenario: Scenario, days: int, *, where: str) -> Scenario:
    """`scenario` cut to its first `days` days; ScenarioError if it is shorter."""
    if not 1 <= days <= scenario.simulation.days:
        raise ScenarioError(
            f"{where}: --days must be between 1 and {scenario.simulation.days} for this scenario"
        )
    simulation = scenario.simulation.model_copy(update={"days": days})
    return scenario.model_copy(update={"simulation": simulation})


def scenario_files(paths: Iterable[Path]) -> list[tuple[Path, Mapping[str, str]]]:
    """Each scenario file under `paths` with its directory's manifest (sorted per dir)."""
    out: list[tuple[Path, Mapping[str, str]]] = []
    for path in paths:
        if path.is_dir():
            manifest = _manifest(path / MANIFEST)
            files = sorted(p for p in path.glob("*.toml") if p.name != MANIFEST)
            if not files:
                raise ScenarioError(f"{path}: no *.toml scenario files in this directory")
            out.extend((p, manifest) for p in files)
        else:
            out.append((path, {}))
    return out


def load_suite(paths: Iterable[Path], *, days: int | None = None) -> list[ScenarioCase]:
    """Load, hash and name every scenario under `paths` (ScenarioError if one is bad).

    The same file named twice is loaded once.
    """
    loaded: list[tuple[Path, Scenario, str, str]] = []
    seen: set[Path] = set()
    for path, manifest in scenario_files(paths):
        if path.resolve() in seen:
            continue
        seen.add(path.resolve())
        scenario = load_scenario(path)
        if days is not None:
            scenario = shorten(scenario, days, where=str(path))
        loaded.append(
            (
                path,
                scenario,
                file_digest(path.read_bytes()),
                family_of(scenario.name, manifest, path.name),
            )
        )
    names = Counter(s.name for _, s, _, _ in loaded)
    return [
        ScenarioCase(
            name=scenario.name if names[scenario.name] == 1 else f"{scenario.name} ({path.stem})",
            digest=digest,
            family=family,
            scenario=scenario,
            path=path,
        )
        for path, scenario, digest, family in loaded
    ]


def _manifest(path: Path) -> Mapping[str, str]:
    if not path.exists():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from exc
    families = raw.get("families", {})
    if not isinstance(families, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in families.items()
    ):
        raise ScenarioError(f"{path}: field families: expected a table of file = family strings")
    return families
