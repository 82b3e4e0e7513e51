# Schemathesis hooks for the REST API fuzz pass (e2e/api-fuzz.test.ts runs `st run` with them).
#
# - Auth: every operation runs as a signed-in learner. The session-ending operations get learners
#   of their own, so the rest of the run keeps its session: /api/auth/refresh follows its learner's
#   rotating refresh token, /api/auth/logout signs its learner out (and in again when needed).
# - Checks added to schemathesis's own: every 4xx is Matrix-style `{errcode, error}` JSON, and a
#   refused request (4xx) changed nothing in the bridge's PostgreSQL database.
# - A summary (cases, statuses and write checks per operation) is written as JSON for the test.
#
# Settings come from the environment the test sets: XS_FUZZ_ORIGIN, XS_FUZZ_DATABASE_URL,
# XS_FUZZ_ACCESS (learner A's access cookie), XS_FUZZ_REFRESH_USER / _PASSWORD (learner B),
# XS_FUZZ_LOGOUT_USER / _PASSWORD (learner C), XS_FUZZ_SUMMARY (where the summary goes).
from __future__ import annotations

import atexit
import json
import os
import threading
from collections import Counter, defaultdict
from http.cookies import SimpleCookie

import psycopg
import requests
import schemathesis

ORIGIN = os.environ["XS_FUZZ_ORIGIN"]
ACCESS_COOKIE = "xs_access"
REFRESH_COOKIE = "xs_refresh"
REFRESH_PATH = "/api/auth/refresh"
LOGOUT_PATH = "/api/auth/logout"

# ---------------------------------------------------------------------------------------------
# What "nothing written" means: a digest of every table of the bridge's database, minus what is
# written on purpose by refused requests or by work outside the request.

# Whole tables left out, and why.
UNWATCHED_TABLES = {
    # Counting refused attempts (failed passwords, too many sign-ups) is these counters' job.
    "rate_limit_windows",
    "password_failures",
    # Written by Synapse's appservice pushes and the bot's Matrix conversations, not by /api.
    "appservice_transactions",
    "appservice_inbox",
    "user_activity",
    "user_presence",
    "bot_direct_rooms",
    "bot_suggestion_lists",
    # Written once by the migration runner at start-up.
    "pgmigrations",
    # Written by the bridge's own timers (domain/pruning.ts takes a turn every 10 minutes).
    "maintenance_turns",
}
# Columns left out: set by background retries after the request (publishing a profile on Matrix,
# creating a partner room) or by Synapse's activity pushes.
UNWATCHED_COLUMNS = {
    "profiles": {"published_at", "last_active_at"},
    "partnerships": {"room_id", "room_creation_started_at"},
}


class DatabaseState:
    """Per-table digests of the bridge's database, one query per snapshot."""

    def __init__(self, url: str):
        self.connection = psycopg.connect(url, autocommit=True)
        self.query = self._build_query()
        self.lock = threading.Lock()

    def _build_query(self) -> str:
        rows = self.connection.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
        ).fetchall()
        columns: dict[str, list[str]] = defaultdict(list)
        for table, column in rows:
            if table in UNWATCHED_TABLES or column in UNWATCHED_COLUMNS.get(table, set()):
                continue
            columns[table].append(column)
        parts = []
        for table, names in sorted(columns.items()):
            # ROW(...)::text renders every type; sorting makes the digest order-independent.
            row = ", ".join(f'"{name}"' for name in names)
            parts.append(
                f"(SELECT md5(coalesce(string_agg(r, E'\\n' ORDER BY r), '')) "
                f'FROM (SELECT ROW({row})::text AS r FROM "{table}") AS t) AS "{table}"'
            )
        if not parts:
            raise RuntimeError("no tables to watch in the bridge's database")
        return "SELECT " + ",\n".join(parts)

    def snapshot(self) -> dict[str, str]:
        with self.lock:
            cursor = self.connection.execute(self.query)
            values = cursor.fetchone()
            names = [column.name for column in cursor.description]
        return dict(zip(names, values))


DATABASE = DatabaseState(os.environ["XS_FUZZ_DATABASE_URL"])

# ---------------------------------------------------------------------------------------------
# Sessions


def set_cookie_values(response) -> dict[str, str]:
    """Cookie name → value from a response's Set-Cookie headers."""
    found: dict[str, str] = {}
    for line in response.headers.get("set-cookie", []):
        parsed = SimpleCookie()
        parsed.load(line)
        for name, morsel in parsed.items():
            found[name] = morsel.value
    return found


@schemathesis.auth(refresh_interval=None).skip_for(path=[REFRESH_PATH, LOGOUT_PATH])
class LearnerSession:
    """Learner A's access cookie, for every operation but the two that end sessions."""

    def get(self, case, context):
        return os.environ["XS_FUZZ_ACCESS"]

    def set(self, case, data, context):
        case.cookies = {**(case.cookies or {}), ACCESS_COOKIE: data}


class LiveSession:
    """A learner's current refresh token: followed through rotations, renewed by signing in
    again when a sign-out (or anything else) ended it."""

    def __init__(self, name: str):
        self.username = os.environ[f"XS_FUZZ_{name}_USER"]
        self.password = os.environ[f"XS_FUZZ_{name}_PASSWORD"]
        self.token: str | None = None
        self.handed_out: set[str] = set()

    def current(self) -> str:
        if self.token is None:
            settle_late_writes()  # signing in writes a session; it is not a late write
            response = requests.post(
                f"{ORIGIN}/api/auth/login",
                json={"username": self.username, "password": self.password},
                headers={"Origin": ORIGIN},
                timeout=30,
            )
            response.raise_for_status()
            self.token = response.cookies[REFRESH_COOKIE]
        self.handed_out.add(self.token)
        return self.token

    def is_ours(self, token: str | None) -> bool:
        return token is not None and token in self.handed_out


# /api/auth/refresh rotates learner B's token; /api/auth/logout ends learner C's session.
SESSION_FOR_PATH = {REFRESH_PATH: LiveSession("REFRESH"), LOGOUT_PATH: LiveSession("LOGOUT")}


@schemathesis.auth(refresh_interval=None).apply_to(path=[REFRESH_PATH, LOGOUT_PATH])
class SessionEndingLearner:
    def get(self, case, context):
        return SESSION_FOR_PATH[case.operation.path].current()

    def set(self, case, data, context):
        case.cookies = {**(case.cookies or {}), REFRESH_COOKIE: data}


def use_live_session(case) -> None:
    """Cases are generated ahead of sending (the coverage phase makes a batch at once): swap a
    token of ours for the live one at send time, so none is presented after it was used up (a
    rotated refresh token presented again is a theft signal that ends the whole session)."""
    session = SESSION_FOR_PATH.get(case.operation.path)
    cookies = case.cookies or {}
    if session and session.is_ours(cookies.get(REFRESH_COOKIE)):
        case.cookies = {**cookies, REFRESH_COOKIE: session.current()}


def follow_session(case, response) -> None:
    session = SESSION_FOR_PATH.get(case.operation.path)
    sent = (case.cookies or {}).get(REFRESH_COOKIE)
    if not session or sent != session.token:
        return
    if case.operation.path == REFRESH_PATH and response.status_code == 200:
        session.token = set_cookie_values(response)[REFRESH_COOKIE]
    elif response.status_code == 200 or response.status_code == 401:
        session.token = None


# ---------------------------------------------------------------------------------------------
# Per-request bookkeeping: the database before and after, and the summary.


class Operation:
    def __init__(self):
        self.cases = 0
        self.statuses: Counter[int] = Counter()
        self.refused_checked = 0
        self.accepted_writes = 0
        self.seconds = 0.0
        self.server_errors: list[str] = []


OPERATIONS: dict[str, Operation] = defaultdict(Operation)
BEFORE: dict[int, dict[str, str]] = {}
CHANGED: dict[int, list[str]] = {}
# The last refused request and the database right after its response: a write that lands later
# (work left running after the answer) shows up before the next request.
LAST_REFUSED: dict[str, object] = {}
LATE_WRITES: list[str] = []


def label_of(case) -> str:
    return f"{case.operation.method.upper()} {case.operation.path}"


def settle_late_writes() -> dict[str, str]:
    """The database now, noting any change since the last refused request was answered."""
    now = DATABASE.snapshot()
    if LAST_REFUSED:
        late = [table for table, digest in now.items() if LAST_REFUSED["after"].get(table) != digest]
        if late:
            LATE_WRITES.append(f"{LAST_REFUSED['label']}: {', '.join(late)}")
        LAST_REFUSED.clear()
    return now


@schemathesis.hook
def before_call(context, case, kwargs):
    use_live_session(case)
    BEFORE[id(case)] = settle_late_writes()


@schemathesis.hook
def after_call(context, case, response):
    before = BEFORE.pop(id(case), None)
    after = DATABASE.snapshot()
    changed = [table for table, digest in after.items() if before and before.get(table) != digest]
    CHANGED[id(response)] = changed
    if 400 <= response.status_code < 500:
        LAST_REFUSED.update(label=f"{response.status_code} {label_of(case)}", after=after)
    # Probes (another method on the same path) are not cases of this operation.
    if case.method.upper() != case.operation.method.upper():
        return
    operation = OPERATIONS[label_of(case)]
    operation.cases += 1
    operation.statuses[response.status_code] += 1
    operation.seconds += response.elapsed
    if response.status_code >= 500:
        operation.server_errors.append(f"{response.status_code} {response.text[:300]}")
    if response.status_code >= 400:
        operation.refused_checked += 1
    elif changed:
        operation.accepted_writes += 1
    follow_session(case, response)


@atexit.register
def write_summary():
    operations = {
        label: {
            "cases": operation.cases,
            "statuses": {str(status): count for status, count in sorted(operation.statuses.items())},
            "refused_checked": operation.refused_checked,
            "accepted_writes": operation.accepted_writes,
            "seconds": round(operation.seconds, 2),
            "server_errors": operation.server_errors[:5],
        }
        for label, operation in sorted(OPERATIONS.items())
    }
    summary = {"operations": operations, "late_writes": LATE_WRITES[:20]}
    with open(os.environ["XS_FUZZ_SUMMARY"], "w", encoding="utf-8") as file:
        json.dump(summary, file, indent=1)


# ---------------------------------------------------------------------------------------------
# Checks


@schemathesis.check
def matrix_error_body(ctx, response, case):
    """Every 4xx is `{errcode, error}` JSON, as the API promises."""
    if not 400 <= response.status_code < 500:
        return None
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(
            f"{response.status_code} without a JSON body: {response.text[:200]!r}"
        ) from None
    if not (
        isinstance(body, dict)
        and isinstance(body.get("errcode"), str)
        and isinstance(body.get("error"), str)
    ):
        raise AssertionError(f"{response.status_code} body is not {{errcode, error}}: {body!r:.200}")
    return None


@schemathesis.check
def refused_request_wrote_nothing(ctx, response, case):
    """A refused request (4xx) leaves the bridge's database as it found it."""
    if not 400 <= response.status_code < 500:
        return None
    written = CHANGED.get(id(response), [])
    if written:
        raise AssertionError(
            f"{response.status_code} {response.text[:200]!r}, yet it changed: {', '.join(written)}"
        )
    return None
