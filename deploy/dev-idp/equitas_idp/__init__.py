"""Equitas development OIDC identity provider (mimics NHS CIS2). Development only.

Entry points: ``equitas_idp.app.create_app``, ``equitas_idp.get_token`` (system tokens),
``equitas_idp.demo`` (demo users and clients), ``python -m equitas_idp``.
"""
