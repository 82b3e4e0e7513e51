"""Makes a new Synapse database whole before the homeserver first starts.

Synapse makes a new database from an old schema snapshot and then applies every later change;
those changes queue some fifty background updates. Left to the running homeserver, they take more
than a minute, because it pauses between them, and meanwhile it serves a partial service: one of
them empties the user directory and rebuilds it (people search finds no one for a while), and
sliding sync takes its slower path until its tables are filled. On an empty database, Synapse's own
`update_synapse_database --run-background-updates` runs them all in about a second.

A database that already has a schema is left alone: an upgrade's updates can take long, and
Synapse runs them while it serves.

    python prepare_database.py homeserver.yaml database.yaml [more.yaml ...]

The files are read as Synapse reads several `--config-path` files: later top-level keys win. Run by
npm start's stack (scripts/stack/synapseSchema.ts) and by compose's `synapse-setup` service, each
with Synapse's own Python.
"""

import os
import subprocess
import sys
import tempfile
from typing import Any

import yaml


def merged_config(paths: list[str]) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for path in paths:
        with open(path, encoding="utf-8") as file:
            config.update(yaml.safe_load(file) or {})
    return config


def has_schema(database: dict[str, Any]) -> bool:
    """Whether Synapse has started making its schema in the database."""
    engine = database.get("name")
    args = dict(database.get("args") or {})
    if engine == "sqlite3":
        import sqlite3

        path = args.get("database")
        if not path or not os.path.exists(path):
            return False
        connection = sqlite3.connect(path)
        try:
            found = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
            ).fetchone()
        finally:
            connection.close()
        return found is not None
    if engine == "psycopg2":
        import psycopg2

        # The connection pool's own settings are not the driver's.
        connect_args = {key: value for key, value in args.items() if not key.startswith("cp_")}
        connection = psycopg2.connect(**connect_args)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT to_regclass('schema_version') IS NOT NULL")
                row = cursor.fetchone()
                return bool(row and row[0])
        finally:
            connection.close()
    raise SystemExit(f"prepare_database: unknown database engine {engine!r}")


def main(paths: list[str]) -> int:
    if not paths:
        print(
            "usage: python prepare_database.py homeserver.yaml database.yaml [more.yaml ...]",
            file=sys.stderr,
        )
        return 2
    config = merged_config(paths)
    database = config.get("database") or {}
    if has_schema(database):
        print("prepare_database: the database has a schema; Synapse runs any updates it needs")
        return 0
    # The script reads one file: the whole configuration with the database it works on.
    with tempfile.TemporaryDirectory() as folder:
        combined = os.path.join(folder, "homeserver.yaml")
        with open(os.open(combined, os.O_WRONLY | os.O_CREAT, 0o600), "w", encoding="utf-8") as file:
            yaml.safe_dump(config, file)
        made = subprocess.run(
            [
                sys.executable,
                "-m",
                "synapse._scripts.update_synapse_database",
                "--database-config",
                combined,
                "--run-background-updates",
            ],
            check=False,
        )
    if made.returncode != 0:
        print("prepare_database: update_synapse_database failed", file=sys.stderr)
        return made.returncode
    print("prepare_database: made the new database and ran its background updates")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
