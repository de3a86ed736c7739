"""A plan's causes say who did what: the operator's name and comment beside the alerts."""

from __future__ import annotations

from datetime import timedelta

from adapters.store import open_store
from supplysync.control import OperatorRequest
from tests.api import data
from tests.api.conftest import Api, TestClient


def test_a_plan_caused_by_an_operator_names_them_and_their_comment(api: Api) -> None:
    asked = OperatorRequest(
        request_id="api-r-1",
        action="replan",
        by="olga",
        at=data.NOW - timedelta(minutes=1),
        comment="after the morning call",
    )
    unrelated = asked.model_copy(update={"request_id": "api-r-0", "comment": "earlier"})
    with open_store(api.url) as store:
        plan = store.plan("live-0002")
        assert plan is not None
        replan = plan.model_copy(
            update={"plan_id": "live-0003", "created_at": data.NOW, "causes": ["a-1", "api-r-1"]}
        )
        store.append([unrelated, asked, replan])
    with TestClient(api.app) as client:
        shown = client.get("/api/plans/live-0003", headers=api.headers("viewer")).json()
        current = client.get("/api/plans/current", headers=api.headers("viewer")).json()
    assert [(r["by"], r["comment"]) for r in shown["requests"]] == [
        ("olga", "after the morning call")
    ]
    assert [a["alert_id"] for a in shown["causes"]] == ["a-1"]
    assert current["requests"] == shown["requests"]
