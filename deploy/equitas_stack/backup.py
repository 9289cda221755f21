"""``make backup`` and ``make restore``: every service's database out with pg_dump and back
with pg_restore, checked table by table (decision 0042).

``python -m equitas_stack.backup backup [--to DIR]`` writes ``var/backups/<UTC time>/``: one
``pg_dump --format=custom`` file per service (scoring, aggregation, reporting) and
``manifest.json``: each file's SHA-256 and each table's fingerprint (row count and
checksum, ``backup_fingerprints``) taken in the very snapshot pg_dump dumped, so the
manifest says exactly what the files hold even while the system keeps writing.

``python -m equitas_stack.backup restore DIR [--replace]`` checks each file against the
manifest, restores each into a new database, compares every table with the manifest, and
only when all three match puts them in place. A database already there is kept, renamed
``<name>_before_<time>`` (``--replace``; without it the restore refuses), never dropped;
the services must be stopped first.

The server is the one ``make run`` uses: ``EQUITAS_DATABASE_URL``, else the machine's
Postgres on 127.0.0.1:5432, else the embedded one in ``var/pgdata`` (started for the
backup if ``make run`` is not running, and stopped after). pg_dump and pg_restore are those
of the server's major version (the embedded server's own, Debian's
``/usr/lib/postgresql/<major>/bin``, or on ``PATH``), or the next newer found.
"""

import argparse
import asyncio
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from equitas_stack.backup_fingerprints import (
    differences,
    fingerprint,
    fingerprint_database,
    pin_print_settings,
)
from equitas_stack.stack import REPO, SERVICES, default_database_url

BACKUPS_DIR = REPO / "var" / "backups"
DEFAULT_PREFIX = "equitas_"  # the databases `make run` uses (StackConfig.database_prefix)
MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(RuntimeError):
    pass


# -- the server and its tools ---------------------------------------------------------------


def libpq_url(server_url: str, database: str) -> str:
    """A libpq URL of ``database`` on the server ``server_url`` names."""
    url = make_url(server_url).set(drivername="postgresql", database=database)
    return url.render_as_string(hide_password=False)


def libpq_env(server_url: str, database: str) -> dict[str, str]:
    """The environment that points pg_dump/pg_restore at ``database``: the password goes
    there, never on a command line other users can read."""
    url = make_url(server_url)
    host = url.query.get("host") or url.host
    env = {**os.environ, "PGDATABASE": database}
    for name, value in (
        ("PGHOST", host if isinstance(host, str) else None),
        ("PGPORT", str(url.port) if url.port else None),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
    ):
        if value:
            env[name] = value
    return env


def admin_url(server_url: str) -> str:
    """Where to connect to create, rename and list databases: the database the server URL
    names (``postgres`` when it names none)."""
    return libpq_url(server_url, make_url(server_url).database or "postgres")


@contextmanager
def database_server() -> Iterator[str]:
    """The URL of the server ``make run`` uses (see the module's docstring)."""
    configured = default_database_url()
    if configured is not None:
        yield configured
        return
    pgdata = REPO / "var" / "pgdata"
    if not (pgdata / "PG_VERSION").exists():
        raise BackupError(
            "no database server: EQUITAS_DATABASE_URL is not set, nothing answers on "
            "127.0.0.1:5432, and there is no embedded Postgres in var/pgdata"
        )
    from pgserver import get_server  # type: ignore[attr-defined]

    # Shares make run's server if it is running (pgserver counts its users), else starts
    # it and stops it again after.
    embedded = get_server(pgdata, cleanup_mode="stop")
    try:
        uri: str = embedded.get_uri()
        yield uri
    finally:
        embedded.cleanup()


def _tool_dirs() -> list[Path]:
    dirs: list[Path] = []
    spec = find_spec("pgserver")
    if spec is not None and spec.origin is not None:
        dirs.append(Path(spec.origin).parent / "pginstall" / "bin")
    dirs += sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    return dirs


def _major(tool: Path) -> int | None:
    try:
        done = subprocess.run(  # noqa: S603 - a Postgres client's own --version
            [str(tool), "--version"], capture_output=True, text=True, check=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\(PostgreSQL\) (\d+)", done.stdout)
    return int(found.group(1)) if found else None


def pg_tool(name: str, server_major: int) -> Path:
    """``name`` (pg_dump, pg_restore) of the server's major version, or the oldest newer
    one: an older pg_dump refuses a newer server, and a newer one reads an older."""
    candidates = [d / name for d in _tool_dirs() if (d / name).exists()]
    on_path = shutil.which(name)
    if on_path is not None:
        candidates.append(Path(on_path))
    # (major, order found, tool): of equal versions, a real binary before PATH's wrapper.
    usable = [
        (major, order, tool)
        for order, tool in enumerate(candidates)
        if (major := _major(tool)) is not None and major >= server_major
    ]
    if not usable:
        raise BackupError(f"no {name} for PostgreSQL {server_major} or newer is installed")
    return min(usable)[2]


async def server_major(server_url: str) -> int:
    conn = await asyncpg.connect(admin_url(server_url))
    try:
        return int(await conn.fetchval("SHOW server_version_num")) // 10000
    finally:
        await conn.close()


# -- backup -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backup:
    directory: Path
    manifest: dict[str, Any]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


async def _dump(server_url: str, database: str, out: Path, pg_dump: Path) -> dict[str, Any]:
    """Dump ``database`` into ``out``; its fingerprint in the snapshot that was dumped."""
    conn = await asyncpg.connect(libpq_url(server_url, database))
    try:
        await pin_print_settings(conn)
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            snapshot = await conn.fetchval("SELECT pg_export_snapshot()")
            dumping = await asyncio.create_subprocess_exec(
                str(pg_dump), "--format=custom", f"--snapshot={snapshot}", "--file", str(out),
                env=libpq_env(server_url, database),
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
            )  # fmt: skip
            try:
                prints = await fingerprint(conn)
            except BaseException:
                dumping.kill()  # its snapshot ends with this transaction
                await dumping.wait()
                raise
            _, errors = await dumping.communicate()
    finally:
        await conn.close()
    if dumping.returncode != 0:
        raise BackupError(f"pg_dump of {database} failed: {errors.decode(errors='replace')}")
    return {"database": database, **await asyncio.to_thread(_file_facts, out), **prints}


def _file_facts(path: Path) -> dict[str, Any]:
    return {"file": path.name, "bytes": path.stat().st_size, "sha256": _sha256(path)}


def _private_directory(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=False)
    path.chmod(0o700)  # scoring's dump holds identifiable data


async def _existing(server_url: str, names: list[str]) -> set[str]:
    conn = await asyncpg.connect(admin_url(server_url))
    try:
        rows = await conn.fetch("SELECT datname FROM pg_database WHERE datname = ANY($1)", names)
        return {r["datname"] for r in rows}
    finally:
        await conn.close()


async def backup(server_url: str, to: Path, prefix: str = DEFAULT_PREFIX) -> Backup:
    """Every service's database, dumped into the new directory ``to``."""
    names = [f"{prefix}{s}" for s in SERVICES]
    missing = sorted(set(names) - await _existing(server_url, names))
    if missing:
        raise BackupError(f"nothing to back up: {', '.join(missing)} not on the server")
    major = await server_major(server_url)
    pg_dump = pg_tool("pg_dump", major)
    await asyncio.to_thread(_private_directory, to)
    databases = {}
    for service, name in zip(SERVICES, names, strict=True):
        databases[service] = await _dump(server_url, name, to / f"{service}.dump", pg_dump)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "server_major": major,
        "pg_dump": str(pg_dump),
        "prefix": prefix,
        "databases": databases,
    }
    await asyncio.to_thread(
        (to / MANIFEST).write_text, json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
    )
    return Backup(to, manifest)


# -- restore ------------------------------------------------------------------------------


def read_manifest(directory: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"{directory} holds no readable {MANIFEST}: {error}") from None
    if manifest.get("format") != FORMAT or set(manifest.get("databases", {})) != set(SERVICES):
        raise BackupError(f"{directory / MANIFEST} is not an Equitas backup of format {FORMAT}")
    for service, entry in manifest["databases"].items():
        dump = directory / entry["file"]
        if not dump.is_file() or _sha256(dump) != entry["sha256"]:
            raise BackupError(f"{dump} is missing or not the file the backup wrote ({service})")
    return manifest


async def _admin(server_url: str, statement: str) -> None:
    conn = await asyncpg.connect(admin_url(server_url))
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


async def _in_use(server_url: str, names: list[str]) -> list[str]:
    conn = await asyncpg.connect(admin_url(server_url))
    try:
        rows = await conn.fetch(
            "SELECT DISTINCT datname FROM pg_stat_activity WHERE datname = ANY($1)", names
        )
        return sorted(r["datname"] for r in rows)
    finally:
        await conn.close()


async def _restore_one(server_url: str, dump: Path, database: str, pg_restore: Path) -> None:
    # template0: the dump brings everything, template1 may hold local additions.
    await _admin(server_url, f"CREATE DATABASE \"{database}\" TEMPLATE template0 ENCODING 'UTF8'")
    restoring = await asyncio.create_subprocess_exec(
        str(pg_restore), "--exit-on-error", "--single-transaction", "--no-owner",
        "--dbname", database, str(dump),
        env=libpq_env(server_url, database),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, errors = await restoring.communicate()
    if restoring.returncode != 0:
        raise BackupError(f"pg_restore into {database} failed: {errors.decode(errors='replace')}")


async def restore(
    directory: Path,
    server_url: str,
    prefix: str = DEFAULT_PREFIX,
    *,
    replace: bool = False,
    services: Sequence[str] = SERVICES,
) -> dict[str, str]:
    """Restore the backup in ``directory`` as ``<prefix><service>`` for each of
    ``services``; what happened to the databases that were there (``{database: kept as}``)."""
    manifest = await asyncio.to_thread(read_manifest, directory)
    unknown = sorted(set(services) - set(SERVICES))
    if unknown or not services:
        raise BackupError(f"restore which services? {', '.join(unknown) or 'none named'}")
    targets = {s: f"{prefix}{s}" for s in SERVICES if s in services}
    present = await _existing(server_url, list(targets.values()))
    if present and not replace:
        raise BackupError(
            f"{', '.join(sorted(present))} already exist: restore with --replace (make restore "
            "REPLACE=yes) keeps each as <name>_before_<time> and puts the backup in its place"
        )
    busy = await _in_use(server_url, sorted(present))
    if busy:
        raise BackupError(f"stop the services first: {', '.join(busy)} are in use")
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    pg_restore = pg_tool("pg_restore", await server_major(server_url))
    staged = {s: f"{name}_restoring_{stamp}" for s, name in targets.items()}
    try:
        for service, database in staged.items():
            entry = manifest["databases"][service]
            await _restore_one(server_url, directory / entry["file"], database, pg_restore)
            found = await fingerprint_database(libpq_url(server_url, database))
            wrong = differences(entry, found)
            if wrong:
                raise BackupError(f"{service} restored differently: " + "; ".join(wrong[:10]))
    except BaseException:
        for database in staged.values():
            await _admin(server_url, f'DROP DATABASE IF EXISTS "{database}"')
        raise
    kept: dict[str, str] = {}
    for service, target in targets.items():
        if target in present:
            kept[target] = f"{target}_before_{stamp}"
            await _admin(server_url, f'ALTER DATABASE "{target}" RENAME TO "{kept[target]}"')
        await _admin(server_url, f'ALTER DATABASE "{staged[service]}" RENAME TO "{target}"')
    return kept


# -- command line ---------------------------------------------------------------------------


def _summary(manifest: dict[str, Any]) -> str:
    lines = []
    for service, entry in manifest["databases"].items():
        rows = sum(t["rows"] for t in entry["tables"].values())
        lines.append(
            f"  {service:<12} {entry['database']:<28} {len(entry['tables']):>4} tables "
            f"{rows:>10,} rows {entry['bytes']:>12,} bytes"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m equitas_stack.backup", description=__doc__)
    verbs = parser.add_subparsers(dest="verb", required=True)
    out = verbs.add_parser("backup", help="dump every service's database")
    out.add_argument("--to", type=Path, help="a new directory (default var/backups/<time>)")
    out.add_argument("--prefix", default=DEFAULT_PREFIX)
    back = verbs.add_parser("restore", help="restore a backup, checked table by table")
    back.add_argument("directory", type=Path)
    back.add_argument("--prefix", default=DEFAULT_PREFIX)
    back.add_argument("--replace", action="store_true", help="keep what is there, renamed")
    back.add_argument(
        "--only", action="append", choices=SERVICES, help="this service only (repeatable)"
    )
    args = parser.parse_args(argv)
    try:
        with database_server() as server:
            if args.verb == "backup":
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
                done = asyncio.run(backup(server, args.to or BACKUPS_DIR / stamp, args.prefix))
                print(f"Backed up to {done.directory}:\n{_summary(done.manifest)}")
            else:
                kept = asyncio.run(
                    restore(
                        args.directory,
                        server,
                        args.prefix,
                        replace=args.replace,
                        services=args.only or SERVICES,
                    )
                )
                print(f"Restored {args.directory}; every table matches its backup.")
                for old, new in kept.items():
                    print(f"  the database that was {old} is kept as {new} (drop it when sure)")
    except BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
