"""What the scoring app holds for every request (set up in ``api.py``), typed once."""

from starlette.requests import Request

from services.scoring.instruments.catalogue import Catalogue
from services.scoring.settings import ScoringSettings


def catalogue_of(request: Request) -> Catalogue:
    """The instrument catalogue loaded at start."""
    found: Catalogue = request.app.state.catalogue
    return found


def settings_of(request: Request) -> ScoringSettings:
    found: ScoringSettings = request.app.state.settings
    return found


def feed_secret(request: Request) -> bytes:
    """The key that pseudonymises the change feeds (``feed.pseudonymise``)."""
    return settings_of(request).pseudonymisation_key.encode()
