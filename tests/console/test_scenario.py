"""`supplysync scenario generate` and `scenario families`: files written, bad input named."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.main import main
from supplysync.scenario import load_scenario


def test_generate_writes_a_scenario_that_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "deep" / "metro.toml"
    argv = ["scenario", "generate", "--family", "metro", "--seed", "4"]
    argv += ["--set", "days=8", "--set", "disruptions=reefer_failure,traffic_delay"]
    assert main([*argv, "--out", str(out)]) == 0
    scenario = load_scenario(out)
    assert scenario.name == "metro-4 (days=8, disruptions=reefer_failure,traffic_delay)"
    assert scenario.simulation.days == 8
    assert sorted(d.kind for d in scenario.disruptions) == ["reefer_failure", "traffic_delay"]
    header = out.read_text().splitlines()[:2]
    assert header[1] == (
        "#   supplysync scenario generate --family metro --seed 4 --set days=8 "
        f"--set disruptions=reefer_failure,traffic_delay --out {out}"
    )
    assert "scenario 'metro-4 (days=8, " in capsys.readouterr().out


def test_families_lists_each_family_and_every_knob(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "families"]) == 0
    out = capsys.readouterr().out
    for name in ("metro", "regional", "national", "coldchain", "large", "single"):
        assert f"\n{name} " in out
    assert "spread_km=900.0" in out
    assert "customers            int" in out and "1..120" in out
    assert "early|mid|late|spread" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--family", "mega"], "unknown family 'mega'; known: metro, regional"),  # no family
        (["--family", "metro", "--set", "size=3"], "--set size: no such knob"),  # no knob
        (
            ["--family", "metro", "--set", "days=week"],
            "--set days: Input should be a valid integer",
        ),  # wrong type
        (
            ["--family", "metro", "--set", "demand_cv=0.9"],
            "--set demand_cv: Input should be less than or equal to 0.5",
        ),  # out of range
        (
            ["--family", "metro", "--set", "reefers=0"],
            "--set reefers: must be at least 1 when cold_products > 0",
        ),  # a combination that cannot work
        (["--family", "metro", "--set", "days"], "--set expects KEY=VALUE, got 'days'"),  # no '='
    ],
)
def test_bad_input_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    out = tmp_path / "x.toml"
    assert main(["scenario", "generate", "--seed", "1", *args, "--out", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_sample_writes_scenarios_each_regenerated_by_its_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scenario", "sample", "--count", "3", "--seed", "7", "--out", str(tmp_path)]) == 0
    files = sorted(tmp_path.glob("*.toml"))
    assert [f.name for f in files] == [f"sample-7-{i:03d}.toml" for i in range(3)]
    assert len(capsys.readouterr().out.splitlines()) == 3
    for path in files:
        load_scenario(path)
        command = path.read_text().splitlines()[1].removeprefix("#   supplysync ").split()
        again = tmp_path / "again.toml"
        command[command.index("--out") + 1] = str(again)
        assert main(command) == 0
        assert again.read_text().splitlines()[2:] == path.read_text().splitlines()[2:]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--count", "0"], "--count: expected at least 1, got 0"),
        (["--count", "2", "--families", "metro,nope"], "--families: unknown family 'nope'"),
    ],
)
def test_sample_bad_input_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["scenario", "sample", "--seed", "1", *args, "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
