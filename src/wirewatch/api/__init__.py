"""REST API (FastAPI): events, stories, articles, stats, ingest; `wirewatch serve`.

Contract: `create_app(db_or_store, options) -> FastAPI`; routes call the same library
functions as the CLI (wirewatch.views, wirewatch.pipeline).
"""

from wirewatch.api.app import create_app
from wirewatch.api.server import serve

__all__ = ["create_app", "serve"]
