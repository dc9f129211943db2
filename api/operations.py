"""Operations routes: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Gauge, generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from actions import arrivals
from actions.models import Casa, Delivery, HamletPost, HamletSpace, Handoff

router = APIRouter(tags=["operations"])
OUTBOX_DEPTH = Gauge("portineria_outbox_depth", "Deliveries waiting to be sent", ["channel"])
HANDOFFS_WAITING = Gauge("portineria_handoffs_waiting", "Handoffs nobody has picked up yet")
INBOX_DEPTH = Gauge("portineria_inbox_depth", "Residents' messages stored, not answered yet")
HAMLET_POSTS_WAITING = Gauge("portineria_hamlet_posts_waiting", "Needs waiting to go to Hamlet")


class HamletSyncFailures(Collector):
    """Failed Hamlet syncs per Casa: counted in the database, since they happen in whichever
    process runs the scheduled jobs (often a worker, not this web process)."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def collect(self) -> list[CounterMetricFamily]:
        family = CounterMetricFamily(
            "portineria_hamlet_sync_failures",
            "Hamlet calendar syncs that failed (Hamlet down, slow, refused, bad answer)",
            labels=["casa"],
        )
        for casa, count in sorted(self.counts.items()):
            family.add_metric([casa], count)
        return [family]


HAMLET_SYNC_FAILURES = HamletSyncFailures()
REGISTRY.register(HAMLET_SYNC_FAILURES)


@router.get("/livez", summary="Liveness: the process answers")
async def livez() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/health", summary="Liveness and database check")
@router.get("/readyz", summary="Readiness: the database answers")
async def readyz(request: Request) -> JSONResponse:
    try:
        async with request.app.state.store.sessions() as session:
            await session.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as exc:
        return JSONResponse(
            {"status": "unavailable", "database": type(exc).__name__}, status_code=503
        )
    return JSONResponse({"status": "ok", "database": "ok"})


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    try:
        async with request.app.state.store.sessions() as session:
            depth = await session.execute(
                select(Delivery.channel, func.count())
                .where(Delivery.status.in_(("pending", "sending")))
                .group_by(Delivery.channel)
            )
            waiting = await session.scalar(select(func.count()).where(Handoff.status == "waiting"))
            INBOX_DEPTH.set(await arrivals.waiting_count(session))
            failures = await session.execute(
                select(Casa.name, HamletSpace.failures).join(Casa, Casa.id == HamletSpace.casa_id)
            )
            posts = await session.scalar(select(func.count()).where(HamletPost.state == "pending"))
        HAMLET_SYNC_FAILURES.counts = {name: count for name, count in failures.all()}
        HAMLET_POSTS_WAITING.set(posts or 0)
        OUTBOX_DEPTH.clear()
        for channel, count in depth.all():
            OUTBOX_DEPTH.labels(channel).set(count)
        HANDOFFS_WAITING.set(waiting or 0)
    except (SQLAlchemyError, OSError):
        pass  # the process metrics are still worth serving while the database is down
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
