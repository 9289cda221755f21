import logging

# The whole-system fixtures (real Postgres, IdP, services, gateway) for every test folder.
pytest_plugins = ["tests.support.fixtures"]

# The embedded Postgres logs its clean-up at interpreter exit, after pytest has closed the
# stream it would write to ("--- Logging error ---" at the end of a run): only its warnings.
logging.getLogger("pgserver").setLevel(logging.WARNING)
