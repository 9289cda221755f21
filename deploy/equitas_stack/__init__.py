"""Starts and supervises the whole Equitas system: Postgres (embedded when no server is
given), the development IdP, the three services and the Caddy gateway."""
