# The whole-system fixtures (real Postgres, IdP, services, gateway) for every test folder.
pytest_plugins = ["tests.support.fixtures"]
