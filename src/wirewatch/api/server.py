"""`wirewatch serve`: the API on uvicorn."""

from __future__ import annotations

from wirewatch.config import Options


def serve(db: str, options: Options, *, host: str | None = None, port: int | None = None) -> None:
    """Serve the API for `db` until interrupted (host/port default to the [api] settings)."""
    import uvicorn

    from wirewatch.api.app import create_app

    app = create_app(db, options)
    uvicorn.run(app, host=host or options.api.host, port=port if port is not None else options.api.port,
                log_level="warning")  # fmt: skip
