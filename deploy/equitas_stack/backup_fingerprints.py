"""What a database holds, table by table, in a form two databases can be compared by.

Each table's fingerprint is its row count and a checksum: the sum of every row's MD5 (its
first 64 bits, as a number), so it depends on every value of every row but not on the
order rows are stored or read in, and it needs no memory however large the table. A row is
hashed as Postgres prints it (``ROW(t.*)::text``), with the settings that change how values print
pinned, so the same rows give the same checksum on any server of any version.
Sequences are compared by their last value.
"""

from typing import Any

import asyncpg

# Settings that change how a value prints; fixed so a fingerprint is the data's alone.
PRINT_SETTINGS = (
    "SET TimeZone = 'UTC'",
    "SET DateStyle = 'ISO, YMD'",
    "SET IntervalStyle = 'postgres'",
    "SET extra_float_digits = 3",
    "SET bytea_output = 'hex'",
)

# Ordinary tables (partitions included: each holds its own rows) and materialised views,
# outside the system's schemas. A partitioned parent holds nothing itself.
_TABLES = """
SELECT format('%I.%I', n.nspname, c.relname) AS name
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
ORDER BY 1
"""

_SEQUENCES = """
SELECT format('%I.%I', schemaname, sequencename) AS name, last_value
FROM pg_sequences
WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1
"""


def _checksum_sql(table: str) -> str:
    # ``table`` is quoted by format('%I.%I') above, never taken from input. ROW(alias.*),
    # not the bare alias, which a column of the same name would shadow.
    return (
        "SELECT count(*) AS rows, coalesce(sum(("  # noqa: S608
        "'x' || left(md5(ROW(fingerprinted.*)::text), 16))::bit(64)::bigint::numeric), 0)"
        f"::text AS checksum FROM {table} AS fingerprinted"
    )


async def pin_print_settings(conn: asyncpg.Connection) -> None:
    for statement in PRINT_SETTINGS:
        await conn.execute(statement)


async def fingerprint(conn: asyncpg.Connection) -> dict[str, Any]:
    """``{"tables": {name: {"rows", "checksum"}}, "sequences": {name: last_value}}`` of the
    database ``conn`` is connected to, as its current transaction sees it (call
    ``pin_print_settings`` first)."""
    tables: dict[str, dict[str, Any]] = {}
    for record in await conn.fetch(_TABLES):
        name = record["name"]
        row = await conn.fetchrow(_checksum_sql(name))
        tables[name] = {"rows": row["rows"], "checksum": row["checksum"]}
    sequences = {r["name"]: r["last_value"] for r in await conn.fetch(_SEQUENCES)}
    return {"tables": tables, "sequences": sequences}


async def fingerprint_database(dsn: str) -> dict[str, Any]:
    """The fingerprint of the database at ``dsn``, in one consistent snapshot."""
    conn = await asyncpg.connect(dsn)
    try:
        await pin_print_settings(conn)
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            return await fingerprint(conn)
    finally:
        await conn.close()


def differences(expected: dict[str, Any], found: dict[str, Any]) -> list[str]:
    """Each way ``found`` differs from ``expected`` (empty when they are the same)."""
    out: list[str] = []
    for kind in ("tables", "sequences"):
        want, got = expected.get(kind, {}), found.get(kind, {})
        out += [f"{kind[:-1]} {name} is missing" for name in sorted(set(want) - set(got))]
        out += [
            f"{kind[:-1]} {name} was not in the backup" for name in sorted(set(got) - set(want))
        ]
        out += [
            f"{kind[:-1]} {name}: {want[name]} in the backup, {got[name]} restored"
            for name in sorted(set(want) & set(got))
            if want[name] != got[name]
        ]
    return out
