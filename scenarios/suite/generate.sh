#!/bin/sh
# Regenerates every scenario of the suite from its family, seed and knobs,
# then the table in README.md. Each file's header names its own command;
# tests/adapters/simulator/families/test_suite.py checks that the files and
# the table are what these commands give.
#
# SUPPLYSYNC names the command (default: supplysync on PATH), PYTHON the
# interpreter that has supplysync installed (default: python3).
set -eu
cd "$(dirname "$0")/../.."
gen() { ${SUPPLYSYNC:-supplysync} scenario generate "$@" >/dev/null; }
out=scenarios/suite

gen --family metro --seed 1 --out $out/metro-1.toml
gen --family metro --seed 2 --set disruptions=none --out $out/metro-2-calm.toml
gen --family metro --seed 3 --set cold_products=2 --set cold_hours_out=2 --out $out/metro-3-cold.toml
gen --family regional --seed 1 --out $out/regional-1.toml
gen --family regional --seed 2 --set timing=early --set days=8 --out $out/regional-2-early.toml
gen --family regional --seed 3 --set timing=late --out $out/regional-3-late.toml
gen --family national --seed 1 --out $out/national-1.toml
gen --family national --seed 2 --set timing=late --set days=8 --out $out/national-2-late.toml
gen --family coldchain --seed 1 --out $out/coldchain-1.toml
gen --family coldchain --seed 2 --set reefer_tightness=0.95 --set cold_hours_out=3 --out $out/coldchain-2-tight.toml
gen --family tight --seed 1 --out $out/tight-1.toml
gen --family tight --seed 2 --set fleet_tightness=1.0 --set disruptions=traffic_delay,reefer_failure,demand_spike --set timing=early --out $out/tight-2-fleet.toml
gen --family volatile --seed 1 --out $out/volatile-1.toml
gen --family volatile --seed 2 --set demand_cv=0.5 --set severity=1.6 --out $out/volatile-2.toml
gen --family distribution --seed 1 --out $out/distribution-1.toml
gen --family distribution --seed 2 --set spread_km=800 --set speed_kmh=75 --set shift_hours=11 --set lead_min_days=2 --out $out/distribution-2-wide.toml
gen --family make_to_stock --seed 1 --out $out/make_to_stock-1.toml
gen --family make_to_stock --seed 2 --set machine_tightness=0.95 --set timing=early --out $out/make_to_stock-2-tight.toml
gen --family large --seed 1 --out $out/large-1.toml
for kind in demand_spike machine_degradation supplier_delay reefer_failure traffic_delay inbound_surge; do
    gen --family single --seed 1 --set disruptions=$kind --out $out/single-1-$kind.toml
done
gen --family single --seed 2 --set disruption_day=1 --set lead_min_days=2 --set lead_max_days=4 --out $out/single-2-supplier_delay-day1.toml
gen --family single --seed 2 --set disruptions=machine_degradation --set disruption_day=5 --set machine_tightness=0.85 --out $out/single-2-machine_degradation-day5.toml

${PYTHON:-python3} $out/table.py --write $out/README.md
