"""Finding history in SQLite: when each finding was first and last seen, and resolved.

One row per (job, fingerprint). Each scan is recorded in one transaction, so a process
killed mid-write loses at most that scan. The schema is versioned with PRAGMA
user_version; MIGRATIONS[i] takes the database from version i to i+1.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from driftguard.errors import InputError
from driftguard.model import Finding, NotChecked

MIGRATIONS = [
    """
    CREATE TABLE findings (
        scan_job    TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        rule_id     TEXT NOT NULL,
        severity    INTEGER NOT NULL,
        resource_type TEXT NOT NULL,
        finding     TEXT NOT NULL,  -- the Finding as JSON, for notifications and the API
        first_seen  REAL NOT NULL,  -- unix seconds
        last_seen   REAL NOT NULL,
        resolved_at REAL,           -- NULL while open
        PRIMARY KEY (scan_job, fingerprint)
    );
    CREATE INDEX findings_open ON findings (scan_job) WHERE resolved_at IS NULL;
    CREATE TABLE scans (
        id          INTEGER PRIMARY KEY,
        scan_job    TEXT NOT NULL,
        finished_at REAL NOT NULL,
        status      TEXT NOT NULL,  -- ok, incomplete
        findings    INTEGER NOT NULL,
        new         INTEGER NOT NULL,
        resolved    INTEGER NOT NULL
    );
    """,
]


def _owner_only(path: Path) -> None:
    """The history holds findings (and the Slack outbox): readable by its owner only.
    SQLite gives its -wal and -shm files the database file's permissions."""
    if path.exists():
        if path.is_file() and path.stat().st_mode & 0o077:
            path.chmod(0o600)
        return
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


@dataclass(frozen=True)
class OpenFinding:
    finding: Finding
    scan_job: str
    first_seen: float
    last_seen: float


@dataclass(frozen=True)
class Changes:
    """What one scan changed: findings not open before, and open ones now gone. The first
    scan a job ever records is its baseline: everything it finds is new to the history,
    but none of it appeared since a previous scan."""

    new: list[Finding]
    resolved: list[Finding]
    baseline: bool = False


class HistoryStore:
    """Thread-safe: the scheduler's jobs and the HTTP API share one connection."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _owner_only(path)
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
            self._db.execute("PRAGMA busy_timeout=5000")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise InputError(path, f"cannot open the history database: {exc}") from None
        except OSError as exc:
            raise InputError(path, f"cannot create the history database: {exc}") from None
        self._lock = threading.Lock()

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise sqlite3.DatabaseError(
                f"schema version {version} is newer than this driftguard ({len(MIGRATIONS)})")
        for target, script in enumerate(MIGRATIONS[version:], start=version + 1):
            # executescript commits first; BEGIN inside keeps script + version atomic
            self._db.executescript(f"BEGIN; {script}; PRAGMA user_version = {target}; COMMIT;")

    def record(self, scan_job: str, findings: Iterable[Finding], now: float,
               not_checked: Sequence[NotChecked] = (), status: str = "ok",
               also: Callable[[sqlite3.Connection, Changes], None] | None = None) -> Changes:
        """Record one scan's findings, and set each one's `why.first_seen`: when it was
        first seen open (now, for a new one). Open findings the scan could not check (their
        type, account or region not read) stay open: a collector failure is not a fix.

        `also` writes what follows from the changes (the Slack outbox's messages about
        them) through the same connection, in the same transaction: the scan and its
        announcements are committed together or not at all, so a process that dies after
        the commit still announces the scan once it is back."""
        findings = list(findings)
        current = {f.fingerprint: f for f in findings}
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                baseline = db.execute("SELECT 1 FROM scans WHERE scan_job = ? LIMIT 1",
                                      (scan_job,)).fetchone() is None
                rows = db.execute(
                    "SELECT fingerprint, finding, first_seen FROM findings "
                    "WHERE scan_job = ? AND resolved_at IS NULL", (scan_job,)).fetchall()
                open_rows = {fp: doc for fp, doc, _ in rows}
                since = {fp: first for fp, _, first in rows}
                for f in findings:  # the findings say since when they are open
                    f.why.first_seen = dt.datetime.fromtimestamp(since.get(f.fingerprint, now),
                                                                 dt.UTC)
                new = [f for fp, f in current.items() if fp not in open_rows]
                resolved = [
                    Finding.model_validate_json(doc) for fp, doc in open_rows.items()
                    if fp not in current
                ]
                resolved = [f for f in resolved if not any(
                    g.covers_where(f.resource_type, f.account, f.region) for g in not_checked)]
                db.executemany(
                    "INSERT INTO findings (scan_job, fingerprint, rule_id, severity, "
                    "resource_type, finding, first_seen, last_seen) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (scan_job, fingerprint) DO UPDATE SET "
                    "finding = excluded.finding, severity = excluded.severity, "
                    "last_seen = excluded.last_seen, "
                    # a finding that comes back after being resolved is new again
                    "first_seen = CASE WHEN resolved_at IS NULL THEN first_seen "
                    "ELSE excluded.first_seen END, resolved_at = NULL",
                    [(scan_job, fp, f.rule_id, int(f.severity), f.resource_type,
                      f.model_dump_json(), now, now) for fp, f in current.items()])
                db.executemany(
                    "UPDATE findings SET resolved_at = ? WHERE scan_job = ? AND fingerprint = ?",
                    [(now, scan_job, f.fingerprint) for f in resolved])
                db.execute(
                    "INSERT INTO scans (scan_job, finished_at, status, findings, new, resolved) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (scan_job, now, status, len(current), len(new), len(resolved)))
                db.execute("DELETE FROM scans WHERE scan_job = ? AND id NOT IN (SELECT id FROM "
                           "scans WHERE scan_job = ? ORDER BY id DESC LIMIT 1000)",
                           (scan_job, scan_job))
                changes = Changes(new=new, resolved=resolved, baseline=baseline)
                if also is not None:
                    also(db, changes)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return changes

    def open_findings(self, scan_job: str | None = None) -> list[OpenFinding]:
        query = ("SELECT finding, scan_job, first_seen, last_seen FROM findings "
                 "WHERE resolved_at IS NULL")
        args: tuple[str, ...] = ()
        if scan_job is not None:
            query += " AND scan_job = ?"
            args = (scan_job,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY severity DESC, first_seen", args).fetchall()
        return [OpenFinding(Finding.model_validate_json(doc), job, first, last)
                for doc, job, first, last in rows]

    def scans(self, scan_job: str) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM scans WHERE scan_job = ?",
                                        (scan_job,)).fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
