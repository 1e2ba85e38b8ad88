"""Prometheus metrics, in a registry per app (no process-wide singletons shared across tests)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.activities = Counter(
            "qibot_activities", "Inbound activities by type and outcome", ["type", "outcome"], registry=self.registry
        )
        self.turn_seconds = Histogram(
            "qibot_turn_seconds", "Time to handle one inbound activity", registry=self.registry
        )
        self.outbox = Counter(
            "qibot_outbox",
            "Outbox deliveries by outcome (sent, retried, failed, unreachable)",
            ["outcome"],
            registry=self.registry,
        )
        self.dispatch_latency = Histogram(
            "qibot_dispatch_latency_seconds",
            "From a message's due time to its delivery",
            buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600),
            registry=self.registry,
        )

        self.scheduler_leader = Gauge(
            "qibot_scheduler_leader", "1 while this replica runs the scheduler (holds the lock)", registry=self.registry
        )
        self.ticks = Counter(
            "qibot_ticks",
            "Scheduler tick runs on this replica, by tick and outcome",
            ["tick", "outcome"],
            registry=self.registry,
        )

    # The scheduler runner's SchedulerObserver port.
    def leading(self, leading: bool) -> None:
        self.scheduler_leader.set(1 if leading else 0)

    def tick_ran(self, name: str, outcome: str) -> None:
        self.ticks.labels(tick=name, outcome=outcome).inc()

    # The scheduler's DeliveryObserver port.
    def delivered(self, outcome: str, latency_seconds: float | None = None) -> None:
        self.outbox.labels(outcome=outcome).inc()
        if latency_seconds is not None:
            self.dispatch_latency.observe(max(0.0, latency_seconds))

    def render(self) -> bytes:
        return generate_latest(self.registry)
