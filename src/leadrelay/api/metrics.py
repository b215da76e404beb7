"""`GET /metrics`: the dashboard's figures in the Prometheus text format, read from the database at scrape time.

A custom collector runs `monitor.snapshot` over all history on each scrape, so every API process gives the same
numbers (no multiprocess mode needed) and nothing is counted in memory. Figures without data have no sample.
No token is needed unless `LEADRELAY_METRICS_REQUIRE_AUTH=1`; then it takes the API's bearer tokens.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from leadrelay import monitor
from leadrelay.api.deps import Services, get_services, require_source
from leadrelay.monitor import Dashboard, Latencies
from leadrelay.store.db import SessionFactory, make_session_factory, read_only

__all__ = ["DECISION_LATENCY_BUCKETS_S", "FIRST_RESPONSE_BUCKETS_S", "LeadRelayCollector", "metric_families",
           "router"]

log = logging.getLogger(__name__)

router = APIRouter(tags=["monitoring"])
_bearer = HTTPBearer(auto_error=False)

FIRST_RESPONSE_BUCKETS_S = (60.0, 300.0, 900.0, 1800.0, 3600.0, 4 * 3600.0, 8 * 3600.0, 24 * 3600.0, 72 * 3600.0)
DECISION_LATENCY_BUCKETS_S = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0)
REVIEW_BUCKETS_S = (300.0, 900.0, 1800.0, 3600.0, 4 * 3600.0, 8 * 3600.0, 24 * 3600.0, 72 * 3600.0)


def _histogram(name: str, documentation: str, values: Sequence[float], bounds: Sequence[float]) -> Metric:
    buckets = [(repr(bound), float(sum(1 for v in values if v <= bound))) for bound in bounds]
    buckets.append(("+Inf", float(len(values))))
    return HistogramMetricFamily(name, documentation, buckets=buckets, sum_value=float(sum(values)))


def _gauge(name: str, documentation: str, value: float | None, unit: str = "") -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, unit=unit)
    if value is not None:
        family.add_metric([], value)
    return family


def _labelled(family: GaugeMetricFamily | CounterMetricFamily,
              samples: Iterable[tuple[Sequence[str], float | None]]) -> GaugeMetricFamily | CounterMetricFamily:
    for labels, value in samples:
        if value is not None:
            family.add_metric(list(labels), value)
    return family


def metric_families(board: Dashboard, spans: Latencies) -> list[Metric]:
    """The dashboard's figures as Prometheus metric families (counters, gauges and histograms)."""
    sources = board.by_source
    types = board.errors_by_type
    return [
        _labelled(CounterMetricFamily("leadrelay_events", "Events received, by source.", labels=["source"]),
                  (([s.source], s.events) for s in sources)),
        _labelled(CounterMetricFamily("leadrelay_leads", "Leads (by their first event), by source.",
                                      labels=["source"]), (([s.source], s.leads) for s in sources)),
        _labelled(CounterMetricFamily("leadrelay_lead_outcomes", "Leads with at least one outcome of a kind, by "
                                      "source.", labels=["source", "kind"]),
                  (([s.source, kind], value) for s in sources for kind, value in (
                      ("meeting_booked", s.meetings_booked), ("opportunity", s.opportunities), ("won", s.won),
                      ("lost", s.lost)))),
        CounterMetricFamily("leadrelay_decisions", "Decisions (the latest per event).", value=board.decisions),
        CounterMetricFamily("leadrelay_duplicate_decisions", "Decisions that repeat an earlier request.",
                            value=board.duplicates),
        CounterMetricFamily("leadrelay_review_decisions", "Decisions sent to a person for review.",
                            value=board.reviews),
        CounterMetricFamily("leadrelay_reviewed_decisions", "Decisions a person accepted or corrected.",
                            value=board.reviewed_decisions),
        CounterMetricFamily("leadrelay_corrected_decisions", "Reviewed decisions with at least one correction.",
                            value=board.corrected_decisions),
        _labelled(CounterMetricFamily("leadrelay_false_positives", "Reviewed decisions of this type corrected "
                                      "to another type.", labels=["type"]),
                  (([t.type], t.false_positives) for t in types)),
        _labelled(CounterMetricFamily("leadrelay_false_negatives", "Reviewed decisions of another type corrected "
                                      "to this type.", labels=["type"]),
                  (([t.type], t.false_negatives) for t in types)),
        CounterMetricFamily("leadrelay_handoff_fallbacks", "Assignments that fell back to a fallback, manager or "
                            "the review queue.", value=board.handoff_fallbacks),
        CounterMetricFamily("leadrelay_sla_timers_fired", "SLA timers that fired (a lead not touched in time).",
                            value=board.sla_timers_fired),
        CounterMetricFamily("leadrelay_crm_updates", "CRM writes planned.", value=board.crm_updates),
        _labelled(GaugeMetricFamily("leadrelay_crm_update_failures", "CRM writes failing now, by state.",
                                    labels=["state"]),
                  ((["dead"], board.crm_updates_dead), (["retrying"], board.crm_updates_retrying))),
        _gauge("leadrelay_first_response_median", "Median time from a lead's first event to its first touch.",
               board.median_first_response_s, unit="seconds"),
        _gauge("leadrelay_leads_untouched", "Leads nobody has touched yet.", board.untouched_leads),
        _gauge("leadrelay_high_intent_leads", "Leads escalated or marked high intent.", board.high_intent_leads),
        _gauge("leadrelay_high_intent_touched_within_1h", "Share of high-intent leads touched within one hour.",
               board.high_intent_touched_within_1h_rate, unit="ratio"),
        _gauge("leadrelay_qualification_accuracy", "Share of reviewed decisions whose type was not corrected.",
               board.accuracy, unit="ratio"),
        _labelled(GaugeMetricFamily("leadrelay_field_accuracy", "Share of reviewed decisions whose field was not "
                                    "corrected.", labels=["field"], unit="ratio"),
                  (([name], value) for name, value in board.field_accuracy.items())),
        _gauge("leadrelay_duplicate", "Share of decisions that repeat an earlier request.", board.duplicate_rate,
               unit="ratio"),
        _gauge("leadrelay_crm_field_completion", "Share of company, role, country, team size and use case filled "
               "in decisions handed to sales.", board.crm_field_completion, unit="ratio"),
        _labelled(GaugeMetricFamily("leadrelay_crm_field_filled", "Share of decisions handed to sales with this "
                                    "field filled.", labels=["field"], unit="ratio"),
                  (([name], value) for name, value in board.field_completion.items())),
        _gauge("leadrelay_review", "Share of decisions sent to review.", board.review_rate, unit="ratio"),
        _gauge("leadrelay_reviews_pending", "Review decisions nobody has labelled or touched yet.",
               board.reviews_pending),
        _gauge("leadrelay_time_in_review_median", "Median time from a review decision to its first label or "
               "touch.", board.median_time_in_review_s, unit="seconds"),
        _histogram("leadrelay_first_response_seconds", "Time from a lead's first event to its first touch.",
                   spans.first_response_s, FIRST_RESPONSE_BUCKETS_S),
        _histogram("leadrelay_decision_latency_seconds", "Time from an event's receipt to its decision.",
                   spans.decision_latency_s, DECISION_LATENCY_BUCKETS_S),
        _histogram("leadrelay_time_in_review_seconds", "Time from a review decision to its first label or touch.",
                   spans.time_in_review_s, REVIEW_BUCKETS_S),
    ]


class LeadRelayCollector(Collector):
    """Reads the figures from the database each time Prometheus scrapes."""

    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    def describe(self) -> list[Metric]:
        """Nothing up front: registering must not touch the database."""
        return []

    def collect(self) -> Iterator[Metric]:
        """The figures over all history, read now."""
        with self._sessions() as db:
            board, spans = monitor.snapshot(db)
            db.rollback()
        yield from metric_families(board, spans)


def _registry(request: Request, services: Services) -> CollectorRegistry:
    registry: CollectorRegistry | None = getattr(request.app.state, "metrics_registry", None)
    if registry is None:
        registry = CollectorRegistry(auto_describe=False)
        # Scrapes only read: on SQLite they must not take the write lock the intake and the workers need.
        registry.register(LeadRelayCollector(make_session_factory(read_only(services.engine))))
        request.app.state.metrics_registry = registry
    return registry


@router.get("/metrics", response_class=Response, summary="Prometheus metrics",
            responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "The Prometheus text format."}})
def metrics(
    request: Request,
    services: Annotated[Services, Depends(get_services)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Response:
    """The dashboard's figures over all history as Prometheus counters, gauges and histograms."""
    if services.settings.metrics_require_auth:
        require_source(services, credentials)
    return Response(generate_latest(_registry(request, services)), media_type=CONTENT_TYPE_LATEST)
