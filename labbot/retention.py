"""The daily purge (`[retention]`): processed requests' replies, settled deliveries, and the audit trail when set.

Run by the elected scheduler's daily job (labbot.scheduling.jobs.run_retention), so one replica purges.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from labbot.config import RetentionSettings
from labbot.storage import retention
from labbot.storage.database import Database
from labbot.storage.models import AuditEntry, Delivery, OutboxMessage, ProcessedRequest

log = logging.getLogger(__name__)


def purge_expired(database: Database, rules: RetentionSettings, now: datetime) -> dict[str, int]:
    """Delete what is past its period; how many rows of each kind went."""
    batch = rules.batch
    deliveries_cutoff = now - timedelta(days=rules.deliveries_days)
    deleted = {
        "processed_requests": retention.purge(
            database,
            ProcessedRequest.key,
            retention.processed_requests_before(now - timedelta(days=rules.requests_days)),
            batch,
        ),
        "deliveries": retention.purge(
            database, Delivery.id, retention.settled_deliveries_before(deliveries_cutoff), batch
        ),
        "messages": retention.purge(
            database, OutboxMessage.id, retention.empty_messages_before(deliveries_cutoff), batch
        ),
        "audit_entries": 0,
    }
    if rules.audit_days is not None:
        cutoff = now - timedelta(days=rules.audit_days)
        deleted["audit_entries"] = retention.purge(
            database, AuditEntry.id, retention.audit_entries_before(cutoff), batch
        )
    log.info("retention purge: %s", ", ".join(f"{kind} {count}" for kind, count in deleted.items()))
    return deleted
