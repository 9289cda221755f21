from services.common.migrations import run_migrations
from services.reporting.db.models import metadata

run_migrations(metadata)
