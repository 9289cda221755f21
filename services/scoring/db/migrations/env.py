from services.common.migrations import run_migrations
from services.scoring.db.models import metadata

run_migrations(metadata)
