"""VehicleAgent: route progress, cold chain, ETA, deviation, door, fuel, review."""

from __future__ import annotations

from agents.settings import AgentSettings
from agents.vehicle import VehicleAgent
from supplysync.commands import RouteOrder
from supplysync.events import Alert, AlertKind
from supplysync.network import Network
from supplysync.plan import Route, Stop
from supplysync.planning import PlanningWindow
from supplysync.readings import Reading
from supplysync.scenario import PlanningSettings
from tests.agents.conftest import Feed, at, command

REEFER, BOX = "V-CGN-1", "V-CGN-2"  # Cologne: refrigerated 500 units / box truck 600 units
DEPOT = (50.940, 6.960)
LEVERKUSEN = (51.030, 7.000)  # C-LEVERKUSEN, ~10 km north of the depot
BONN = (50.734, 7.099)  # C-BONN, ~25 km south


def route(vehicle: str, load: dict[str, float]) -> Route:
    """Depot -> Leverkusen (07:30, gets the pumps) -> Bonn (09:00, gets the rest) -> depot."""
    return Route(
        vehicle_id=vehicle,
        period=0,
        depot_id="W-CGN",
        stops=[
            Stop(
                site_id="C-LEVERKUSEN",
                arrive_h=7.5,
                depart_h=7.75,
                drop={"PUMP": load.get("PUMP", 0)},
            ),
            Stop(
                site_id="C-BONN",
                arrive_h=9.0,
                depart_h=9.25,
                drop={"REAGENT": load.get("REAGENT", 0)},
            ),
        ],
        load=load,
        method="test",
    )


def on_route(network: Network, vehicle: str, load: dict[str, float]) -> tuple[VehicleAgent, Feed]:
    """A vehicle with an accepted route that has just left its depot at 07:00."""
    agent, feed = VehicleAgent(vehicle, network), Feed(vehicle)
    agent.commit(command(vehicle, "vehicle", RouteOrder(routes=[route(vehicle, load)])))
    agent.ingest(
        [
            fix(feed, 7.0, DEPOT, 0),
            fix(feed, 7.1, (50.970, 6.973), 50),  # 3 km out: the route has started
        ],
        at(7.1),
    )
    return agent, feed


def fix(feed: Feed, hours: float, where: tuple[float, float], speed: float) -> Reading:
    return feed("location", "V-gps", at(hours), lat=where[0], lon=where[1], speed_kmh=speed)


def cargo(
    agent: VehicleAgent, feed: Feed, start_h: float, temps: list[float], step_min: int = 10
) -> list[Alert]:
    readings = [
        feed("temperature", "V-cargo", at(start_h + i * step_min / 60), celsius=c)
        for i, c in enumerate(temps)
    ]
    return agent.ingest(readings, readings[-1].ts)


def kinds(alerts: list[Alert]) -> list[AlertKind]:
    return [a.kind for a in alerts]


def test_excursion_only_when_carrying_a_cold_product(network: Network) -> None:
    warm = [4.0, 9.0, 9.5, 10.0]  # out of 2..8 from 07:20, 20 min by 07:40
    agent, feed = on_route(network, REEFER, {"REAGENT": 20, "PUMP": 10})
    (excursion,) = [
        a for a in cargo(agent, feed, 7.1, warm) if a.kind is AlertKind.COLD_CHAIN_EXCURSION
    ]
    assert excursion.data["minutes_out_of_range"] == 20
    assert excursion.data["peak_c"] == 10.0
    assert (excursion.data["min_c"], excursion.data["max_c"]) == (2.0, 8.0)

    agent, feed = on_route(network, REEFER, {"PUMP": 10})
    assert AlertKind.COLD_CHAIN_EXCURSION not in kinds(cargo(agent, feed, 7.1, warm))

    idle, idle_feed = VehicleAgent(REEFER, network), Feed(REEFER)  # no route at all
    assert cargo(idle, idle_feed, 7.1, warm) == []


def test_excursion_needs_fifteen_minutes(network: Network) -> None:
    agent, feed = on_route(network, REEFER, {"REAGENT": 20})
    assert cargo(agent, feed, 7.1, [9.0, 9.0, 4.0, 9.0, 4.0]) == []  # 10 min out at most


def test_refrigeration_fault_and_recovery(network: Network, window: PlanningWindow) -> None:
    agent, feed = VehicleAgent(REEFER, network), Feed(REEFER)
    alerts = cargo(agent, feed, 9.0, [8.5, 9.5, 10.5, 11.0])  # above 8 °C, door closed, 30 min
    assert kinds(alerts) == [AlertKind.THRESHOLD]
    assert "refrigeration fault" in alerts[0].message
    assert agent.offer(window, at(10)).refrigeration_ok is False
    answer = agent.review(
        command(REEFER, "vehicle", RouteOrder(routes=[route(REEFER, {"REAGENT": 20})]))
    )
    assert not answer.accepted and "refrigeration unit not holding temperature" in answer.reason
    cargo(agent, feed, 10.0, [4.0] * 6)  # in range for 50 min: not yet
    assert agent.offer(window, at(11)).refrigeration_ok is False
    cargo(agent, feed, 11.0, [4.0])  # an hour in range
    assert agent.offer(window, at(11)).refrigeration_ok is True


def test_warm_box_with_the_door_open_is_no_fault(network: Network, window: PlanningWindow) -> None:
    agent, feed = VehicleAgent(REEFER, network), Feed(REEFER)
    agent.ingest([feed("door", "V-door", at(8.9), open=True)], at(8.9))
    cargo(agent, feed, 9.0, [9.0, 10.0, 11.0, 11.0])
    assert agent.offer(window, at(10)).refrigeration_ok is True


def test_route_progress_load_and_availability(network: Network, window: PlanningWindow) -> None:
    agent, feed = on_route(network, REEFER, {"REAGENT": 20, "PUMP": 10})
    offer = agent.offer(window, at(7.2))
    assert not offer.available
    assert offer.load == {"REAGENT": 20, "PUMP": 10}
    assert offer.committed_stops == ["C-LEVERKUSEN", "C-BONN"]
    agent.ingest([fix(feed, 7.5, LEVERKUSEN, 40)], at(7.5))  # driving past: not a stop
    assert agent.offer(window, at(7.5)).committed_stops == ["C-LEVERKUSEN", "C-BONN"]
    agent.ingest([fix(feed, 7.6, LEVERKUSEN, 0)], at(7.6))
    offer = agent.offer(window, at(7.6))
    assert offer.load == {"REAGENT": 20} and offer.committed_stops == ["C-BONN"]
    agent.ingest([fix(feed, 9.0, BONN, 2), fix(feed, 10.0, DEPOT, 0)], at(10))
    offer = agent.offer(window, at(10))
    assert offer.available and offer.load == {} and offer.committed_stops == []
    assert offer.location.lat == DEPOT[0]


def test_first_fix_away_from_the_depot_can_be_at_a_stop(
    network: Network, window: PlanningWindow
) -> None:
    # A stop close to the depot is reached between two fixes: the first fix
    # that shows the vehicle gone is the one at the stop.
    agent, feed = VehicleAgent(BOX, network), Feed(BOX)
    agent.commit(command(BOX, "vehicle", RouteOrder(routes=[route(BOX, {"PUMP": 10})])))
    agent.ingest([fix(feed, 7.0, DEPOT, 0), fix(feed, 7.25, LEVERKUSEN, 0)], at(7.25))
    assert agent.offer(window, at(7.25)).committed_stops == ["C-BONN"]
    # heading on to Bonn is neither a deviation nor a slip at Leverkusen
    assert agent.ingest([fix(feed, 7.5, (50.98, 7.02), 60)], at(7.5)) == []


def test_eta_slip_once_per_stop(network: Network) -> None:
    agent, feed = on_route(network, BOX, {"PUMP": 10})
    # at 07:15 about 7 km from Leverkusen: 7-8 min at 60 km/h, on time for 07:30
    assert agent.ingest([fix(feed, 7.25, (50.970, 6.973), 30)], at(7.25)) == []
    # stuck at 08:00 in the same place: ETA ~08:07, 37 min behind the plan
    (slip,) = agent.ingest([fix(feed, 8.0, (50.970, 6.973), 5)], at(8))
    assert slip.kind is AlertKind.ETA_SLIP
    assert slip.data["site_id"] == "C-LEVERKUSEN"
    assert 35 < float(slip.data["minutes_late"]) < 40
    assert agent.ingest([fix(feed, 8.2, (50.970, 6.973), 5)], at(8.2)) == []


def test_route_deviation(network: Network) -> None:
    agent, feed = on_route(network, BOX, {"PUMP": 10})
    (off,) = agent.ingest([fix(feed, 7.3, (50.990, 6.850), 50)], at(7.3))  # ~8 km west
    assert off.kind is AlertKind.ROUTE_DEVIATION and float(off.data["km_off_route"]) > 5
    assert agent.ingest([fix(feed, 7.35, (50.995, 6.840), 50)], at(7.35)) == []  # same leg


def test_door_harsh_driving_and_fuel(network: Network) -> None:
    agent, feed = VehicleAgent(BOX, network), Feed(BOX)
    agent.ingest([feed("door", "V-door", at(10), open=True)], at(10))
    assert agent.tick(at(10.4)) == []
    (door,) = agent.tick(at(10.6))
    assert door.kind is AlertKind.DOOR_OPEN and door.data["minutes_open"] == 36
    assert agent.tick(at(11)) == []
    harsh = agent.ingest([feed("harsh_driving", "V-can", at(11), event="brake", g=0.6)], at(11))
    assert kinds(harsh) == [AlertKind.HARSH_DRIVING]
    levels = [30, 14, 12, 25, 10]
    fuel = agent.ingest(
        [feed("fuel", "V-can", at(12 + i), percent=p) for i, p in enumerate(levels)], at(17)
    )
    assert [a.data["percent"] for a in fuel] == [14, 10]


def test_review_rejections(network: Network) -> None:
    box = VehicleAgent(BOX, network)
    answer = box.review(command(BOX, "vehicle", RouteOrder(routes=[route(BOX, {"REAGENT": 20})])))
    assert not answer.accepted and "REAGENT needs a refrigerated vehicle" in answer.reason
    heavy = box.review(command(BOX, "vehicle", RouteOrder(routes=[route(BOX, {"PUMP": 700})])))
    assert not heavy.accepted and "load 700 units exceeds capacity 600" in heavy.reason
    fine = VehicleAgent(REEFER, network).review(
        command(REEFER, "vehicle", RouteOrder(routes=[route(REEFER, {"REAGENT": 20, "PUMP": 10})]))
    )
    assert fine.accepted


def test_remaining_shift(network: Network, window: PlanningWindow) -> None:
    agent = VehicleAgent(BOX, network)  # 10 h shifts from 07:00
    assert agent.offer(window, at(5)).remaining_shift_h == 10
    assert agent.offer(window, at(12)).remaining_shift_h == 5
    assert agent.offer(window, at(18)).remaining_shift_h == 0
    offer = agent.offer(window, at(5))
    assert offer.available and offer.location.lat == DEPOT[0] and offer.refrigerated is False


def test_the_shift_follows_the_scenarios_departure_hours(
    network: Network, window: PlanningWindow
) -> None:
    # A scenario whose vehicles leave at 18:00, the last at 20:00 (session 21, issue 16
    # walk: with the agents' own 07:00 the fleet was off shift all evening).
    planning = PlanningSettings(departure_hour=18, last_departure_hour=20)
    agent = VehicleAgent(BOX, network, AgentSettings().following(planning))  # 10 h shifts
    assert agent.offer(window, at(5)).remaining_shift_h == 10  # before the shift: all of it
    assert agent.offer(window, at(19)).remaining_shift_h == 9  # may still leave today
    assert agent.offer(window, at(21)).remaining_shift_h == 0  # idle after the last departure


def test_without_a_scenario_the_agent_setting_is_the_shift() -> None:
    s = AgentSettings(vehicle_shift_start_hour=5)
    assert (s.vehicle_shift_start_hour, s.vehicle_last_departure_hour) == (5, None)
    followed = s.following(PlanningSettings(departure_hour=23))
    assert (followed.vehicle_shift_start_hour, followed.vehicle_last_departure_hour) == (23, 23)
