"""Messages waiting to be delivered, in SQLite, so that an outage loses nothing and a
restart resends nothing. Channel-neutral: a payload is a JSON object, a destination a
name that its channel owns; channels may share one outbox.

Every message is written here before it is sent and marked sent once the service accepted
it (Slack: 2xx), or once it may have (the request went out, no answer came: sent again it
could be posted twice; `last_error` then says "unconfirmed"); messages go out oldest
first per destination. The idempotency
key (a hash of the destination and the content) refuses a second copy of a message still
pending. Sent rows are kept for a week (what was posted, and when), then pruned. The
daemon passes its history database; one-shot runs pass None (in memory).

The table has its own schema version (`slack_outbox_schema`), so the history migrations
can take it over later. Its name dates from when Slack was the only channel: existing
outboxes must keep delivering, so it stays.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from driftguard.errors import InputError

SCHEMA_VERSION = 1
KEEP_SENT = 7 * 86400.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS slack_outbox_schema (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS slack_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    destination TEXT NOT NULL,
    payload TEXT NOT NULL,
    created REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'rejected')),
    sent REAL
);
CREATE UNIQUE INDEX IF NOT EXISTS slack_outbox_pending_key
    ON slack_outbox (key) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS slack_outbox_queue ON slack_outbox (status, destination, id);
"""


@dataclass(frozen=True)
class Pending:
    id: int
    destination: str
    payload: dict[str, Any]
    key: str = ""  # the idempotency key: the same for every attempt at this message


def message_key(destination: str, payload: dict[str, Any]) -> str:
    text = destination + "\x1f" + json.dumps(payload, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


class Outbox:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        try:
            self._db = sqlite3.connect(str(path) if path else ":memory:", timeout=10,
                                       check_same_thread=False, isolation_level=None)
            self._db.executescript(_SCHEMA)
            self._check_version()
        except sqlite3.Error as exc:
            raise InputError(path or "outbox", f"cannot open the Slack outbox: {exc}") from None
        self._lock = threading.Lock()

    def _check_version(self) -> None:
        row = self._db.execute("SELECT max(version) FROM slack_outbox_schema").fetchone()
        if row[0] is None:
            self._db.execute("INSERT INTO slack_outbox_schema VALUES (?)", (SCHEMA_VERSION,))
        elif row[0] > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"schema version {row[0]} is newer than this "
                                        f"driftguard's ({SCHEMA_VERSION})")

    def add(self, destination: str, payload: dict[str, Any],
            db: sqlite3.Connection | None = None) -> bool:
        """Queue a message; False if the same message is already pending. `db`: write it
        through that connection to the same file instead, in its caller's transaction
        (the history's, so that a scan and its messages are committed together)."""
        row = (message_key(destination, payload), destination,
               json.dumps(payload, sort_keys=True), time.time())
        if db is not None:
            return _insert(db, row)
        with self._lock:
            return _insert(self._db, row)

    def pending(self, destination: str | None = None) -> list[Pending]:
        """Oldest first."""
        query = ("SELECT id, destination, payload, key FROM slack_outbox "
                 "WHERE status = 'pending'")
        args: tuple[str, ...] = ()
        if destination is not None:
            query, args = query + " AND destination = ?", (destination,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY id", args).fetchall()
        return [Pending(i, d, json.loads(p), k) for i, d, p, k in rows]

    def destinations(self) -> list[str]:
        """Destinations with pending messages, the one waiting longest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT destination FROM slack_outbox WHERE status = 'pending' "
                "GROUP BY destination ORDER BY min(id)").fetchall()
        return [r[0] for r in rows]

    def count(self, destination: str | None = None) -> int:
        query = "SELECT count(*) FROM slack_outbox WHERE status = 'pending'"
        args: tuple[str, ...] = ()
        if destination is not None:
            query, args = query + " AND destination = ?", (destination,)
        with self._lock:
            return int(self._db.execute(query, args).fetchone()[0])

    def mark_sent(self, message_id: int, note: str | None = None) -> None:
        """Sent (delivered, or `note`: possibly delivered, so never sent again)."""
        now = time.time()
        with self._lock:
            self._db.execute("UPDATE slack_outbox SET status = 'sent', sent = ?, "
                             "attempts = attempts + 1, last_error = ? WHERE id = ?",
                             (now, note, message_id))
            self._db.execute("DELETE FROM slack_outbox WHERE status != 'pending' AND "
                             "coalesce(sent, created) < ?", (now - KEEP_SENT,))

    def mark_failed(self, message_id: int, error: str, rejected: bool = False) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE slack_outbox SET attempts = attempts + 1, last_error = ?, "
                "status = CASE WHEN ? THEN 'rejected' ELSE status END, "
                "sent = CASE WHEN ? THEN ? ELSE sent END WHERE id = ?",
                (error, rejected, rejected, time.time(), message_id))

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _insert(db: sqlite3.Connection, row: tuple[str, str, str, float]) -> bool:
    cur = db.execute("INSERT OR IGNORE INTO slack_outbox (key, destination, payload, created) "
                     "VALUES (?, ?, ?, ?)", row)
    return cur.rowcount == 1
