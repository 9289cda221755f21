"""``equitas-migrate SERVICE upgrade|downgrade|revision|current``: migrations by command,
as production runs them (development applies them on start)."""

import argparse
import asyncio
from pathlib import Path

from alembic import command

from services.common.database import alembic_config, ensure_database, service_database_url
from services.common.settings import ServiceSettings

SERVICES = ("scoring", "aggregation", "reporting")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="equitas-migrate")
    parser.add_argument("service", choices=SERVICES)
    parser.add_argument("action", choices=("upgrade", "downgrade", "revision", "current"))
    parser.add_argument("target", nargs="?", default=None)
    parser.add_argument("-m", "--message", default="change")
    args = parser.parse_args(argv)

    settings = ServiceSettings()
    database = settings.database_name_for(args.service)
    asyncio.run(ensure_database(settings.database_url, database))
    migrations = Path(__file__).parent.parent / args.service / "db" / "migrations"
    config = alembic_config(migrations, service_database_url(settings.database_url, database))
    if args.action == "upgrade":
        command.upgrade(config, args.target or "head")
    elif args.action == "downgrade":
        command.downgrade(config, args.target or "-1")
    elif args.action == "revision":
        command.revision(config, message=args.message, autogenerate=True)
    else:
        command.current(config, verbose=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
