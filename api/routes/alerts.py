"""Alerts: list and filter; acknowledge with a comment (operators)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status

from api.deps import ContextDep, OperatorUser, RangeDep, StoreDep, ViewerUser
from api.schemas import AckCreate, AckPublic, AlertPublic
from supplysync.events import AlertKind, AssetKind, Severity
from supplysync.ledger import AlertAck

router = APIRouter(prefix="/alerts", tags=["alerts"])

MAX_ALERTS = 5000
AlertId = Annotated[str, Path(min_length=1, max_length=256)]


@router.get("", response_model=list[AlertPublic])
def list_alerts(
    *,
    _: ViewerUser,
    context: ContextDep,
    store: StoreDep,
    span: RangeDep,
    asset_id: Annotated[str | None, Query(max_length=64)] = None,
    asset_kind: AssetKind | None = None,
    kind: AlertKind | None = None,
    severity: Severity | None = None,
    acknowledged: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_ALERTS)] = 500,
) -> list[AlertPublic]:
    """Alerts raised in `[since, until)` matching every filter given, newest first."""
    run_id = context.settings.run_id
    found = [
        a
        for a in store.alerts(span.since, span.until, asset_id, run_id=run_id)
        if (asset_kind is None or a.asset_kind == asset_kind)
        and (kind is None or a.kind == kind)
        and (severity is None or a.severity == severity)
    ]
    acks = context.ledger.acks(run_id, (a.alert_id for a in found))
    shown = [
        AlertPublic(alert=a, ack=_public(acks[a.alert_id]) if a.alert_id in acks else None)
        for a in reversed(found)
        if acknowledged is None or (a.alert_id in acks) == acknowledged
    ]
    return shown[:limit]


@router.post("/{alert_id}/ack", response_model=AckPublic, status_code=status.HTTP_201_CREATED)
def acknowledge(
    *,
    alert_id: AlertId,
    body: AckCreate,
    me: OperatorUser,
    context: ContextDep,
    span: RangeDep,
    store: StoreDep,
) -> AckPublic:
    """Acknowledge an alert raised in `[since, until)`; 409 if someone already has."""
    run_id = context.settings.run_id
    if not any(a.alert_id == alert_id for a in store.alerts(span.since, span.until, run_id=run_id)):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no alert {alert_id!r} in the range")
    ack = AlertAck(alert_id=alert_id, by=me.name, at=context.clock.now(), comment=body.comment)
    stored = context.ledger.acknowledge(run_id, ack)
    if stored != ack:
        raise HTTPException(
            status.HTTP_409_CONFLICT, f"already acknowledged by {stored.by} at {stored.at}"
        )
    return _public(stored)


def _public(ack: AlertAck) -> AckPublic:
    return AckPublic.model_validate(ack.model_dump())
