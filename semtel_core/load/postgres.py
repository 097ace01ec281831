"""Upsert a week's aggregates into Postgres (psycopg 3), in one transaction.

The table is created if missing. A load replaces the week: labels no longer present for the week are deleted
and the others upserted with ``INSERT ... ON CONFLICT (week, classifier, label) DO UPDATE``, all in one
transaction, so a dashboard never sees half a week and a rerun never duplicates.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date

import psycopg
from psycopg import sql

from semtel_core.errors import LoadError
from semtel_core.load.aggregates import WeeklyAggregate

log = logging.getLogger(__name__)

_CREATE = """
CREATE TABLE IF NOT EXISTS {table} (
    week date NOT NULL,
    classifier text NOT NULL,
    label text NOT NULL,
    count bigint NOT NULL,
    share double precision NOT NULL,
    prompt_tokens bigint NOT NULL,
    completion_tokens bigint NOT NULL,
    cost_usd double precision NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (week, classifier, label)
)
"""

_DELETE_STALE = """
DELETE FROM {table} WHERE week = %s
AND (classifier, label) NOT IN (SELECT c, l FROM unnest(%s::text[], %s::text[]) AS t(c, l))
"""

_UPSERT = """
INSERT INTO {table} (week, classifier, label, count, share, prompt_tokens, completion_tokens, cost_usd)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (week, classifier, label) DO UPDATE SET
    count = EXCLUDED.count, share = EXCLUDED.share, prompt_tokens = EXCLUDED.prompt_tokens,
    completion_tokens = EXCLUDED.completion_tokens, cost_usd = EXCLUDED.cost_usd, loaded_at = now()
"""


def upsert_aggregates(
    dsn: str, schema: str, table: str, week_start: date, rows: Sequence[WeeklyAggregate]
) -> int:
    """Replace the week's aggregates in ``schema.table``; returns the number of rows upserted."""
    target = sql.Identifier(schema, table)
    try:
        with psycopg.connect(dsn, connect_timeout=10) as conn, conn.transaction(), conn.cursor() as cur:
            cur.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
            cur.execute(sql.SQL(_CREATE).format(table=target))
            cur.execute(
                sql.SQL(_DELETE_STALE).format(table=target),
                (week_start, [r.classifier for r in rows], [r.label for r in rows]),
            )
            cur.executemany(
                sql.SQL(_UPSERT).format(table=target),
                [
                    (
                        r.week,
                        r.classifier,
                        r.label,
                        r.count,
                        r.share,
                        r.prompt_tokens,
                        r.completion_tokens,
                        r.cost_usd,
                    )
                    for r in rows
                ],
            )
    except psycopg.Error as exc:
        raise LoadError(
            f"cannot upsert aggregates into {schema}.{table}: {exc}",
            table=f"{schema}.{table}",
            week=week_start.isoformat(),
        ) from None
    log.info("upserted %d aggregate rows for week %s into %s.%s", len(rows), week_start, schema, table)
    return len(rows)
