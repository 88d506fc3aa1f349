"""The review routes: the analysts' queue and their corrections (set fields, reject, confirm,
merge, split, withdraw), thin faces over `wirewatch.review` as the CLI's commands are. Reading is
open; every correction needs the review token ([api] review_token) and names its author."""

# no `from __future__ import annotations`: FastAPI resolves the route signatures at runtime
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Body, FastAPI, Header, Query
from pydantic import BaseModel, Field

from wirewatch.config import Options
from wirewatch.review.actions import (
    confirm_event,
    correct_event,
    merge_events,
    reject_event,
    split_event,
    withdraw_correction,
)
from wirewatch.review.queue import review_queue
from wirewatch.store import Store
from wirewatch.store.corrections import correction_log

WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "a bad field, value or missing reason (W040)"},
    401: {"description": "no token (W041)"},
    403: {"description": "corrections off or token rejected (W041)"},
    404: {"description": "no such event or correction (W042)"},
    503: {"description": "a run or watch held the database longer than [api] lock_wait_s (W022)"},
}


class Verdict(BaseModel):
    author: str = Field(description="who makes the correction")
    reason: str | None = Field(None, description="why (needed, except to confirm)")


class FieldCorrection(Verdict):
    fields: dict[str, Any] = Field(description='FIELD -> value, e.g. {"fatalities": 3}')


class Merge(Verdict):
    event_ids: list[str] = Field(description="two or more event ids (or unique prefixes)")


class Split(Verdict):
    sources: list[str] = Field(description="article or mention ids (or prefixes) to take out of the event")


def add_review_routes(
    app: FastAPI, store: Store, options: Options, filter_dep: Any, limit_type: Any,
    check_token: Callable[[str | None, str | None, str], None],
) -> None:  # fmt: skip
    """Mount /review, /events/{id}/corrections and the correction actions on `app`."""
    wait_s = options.api.lock_wait_s
    Authorization = Annotated[str | None, Header(description="Bearer TOKEN ([api] review_token)")]

    def allowed(authorization: str | None) -> None:
        check_token(options.api.review_token, authorization, "corrections")

    @app.get("/review", tags=["review"])
    def list_review(
        flt: filter_dep, limit: limit_type = None, offset: Annotated[int, Query(ge=0)] = 0
    ) -> dict[str, Any]:
        """The events that most need a look among those matching the filters, most pressing first,
        each with its `reasons` (flagged, low confidence, sources that disagree, a high toll):
        `{"total", "limit", "offset", "events"}`."""
        return review_queue(store, flt, options=options.review, limit=limit or options.api.page_size,
                            offset=offset)  # fmt: skip

    @app.get(
        "/events/{event_id}/corrections",
        tags=["review"],
        responses={404: {"description": "no such event (W042)"}},
    )
    def list_corrections(event_id: str) -> dict[str, Any]:
        """Every correction of an event (withdrawn ones too), oldest first, with who, when and why."""
        from wirewatch.views import event_view

        found = event_view(store, event_id)["event_id"]
        return {"event_id": found, "corrections": [c.to_dict() for c in correction_log(store, found)]}

    @app.post("/events/{event_id}/corrections", tags=["review"], status_code=201, responses=WRITE_RESPONSES)
    def post_correction(event_id: str, body: Annotated[FieldCorrection, Body()], authorization: Authorization = None) -> dict[str, Any]:  # fmt: skip
        """Set fields of an event by hand (type, sub-type, actors, place, date, fatalities, ...) with a
        reason; kept through every rerun, the event flagged if its sources later say otherwise."""
        allowed(authorization)
        return correct_event(
            store, event_id, body.fields, author=body.author, reason=body.reason, wait_s=wait_s
        )

    @app.post("/events/{event_id}/reject", tags=["review"], status_code=201, responses=WRITE_RESPONSES)
    def post_reject(event_id: str, body: Annotated[Verdict, Body()], authorization: Authorization = None) -> dict[str, Any]:  # fmt: skip
        """Not an event: left out of listings and exports (?review=rejected shows it)."""
        allowed(authorization)
        return reject_event(store, event_id, author=body.author, reason=body.reason, wait_s=wait_s)

    @app.post("/events/{event_id}/confirm", tags=["review"], status_code=201, responses=WRITE_RESPONSES)
    def post_confirm(event_id: str, body: Annotated[Verdict, Body()], authorization: Authorization = None) -> dict[str, Any]:  # fmt: skip
        """Right as it stands: out of the review queue, a rejection undone, flags cleared."""
        allowed(authorization)
        return confirm_event(store, event_id, author=body.author, reason=body.reason, wait_s=wait_s)

    @app.post("/events/merge", tags=["review"], status_code=201, responses=WRITE_RESPONSES)
    def post_merge(body: Annotated[Merge, Body()], authorization: Authorization = None) -> dict[str, Any]:
        """These events report one event: merged, and kept together through every rerun."""
        allowed(authorization)
        return merge_events(store, body.event_ids, author=body.author, reason=body.reason,
                            options=options.fuse, wait_s=wait_s)  # fmt: skip

    @app.post("/events/{event_id}/split", tags=["review"], status_code=201, responses=WRITE_RESPONSES)
    def post_split(event_id: str, body: Annotated[Split, Body()], authorization: Authorization = None) -> dict[str, Any]:  # fmt: skip
        """Take these sources out of the event into one of their own, kept apart through every rerun."""
        allowed(authorization)
        return split_event(store, event_id, body.sources, author=body.author, reason=body.reason,
                           options=options.fuse, wait_s=wait_s)  # fmt: skip

    @app.post(
        "/corrections/{correction_id}/withdraw", tags=["review"], status_code=201, responses=WRITE_RESPONSES
    )
    def post_withdraw(correction_id: str, body: Annotated[Verdict, Body()], authorization: Authorization = None) -> dict[str, Any]:  # fmt: skip
        """Withdraw a correction: the event goes back to what its sources and the other corrections
        say; the history keeps both."""
        allowed(authorization)
        return withdraw_correction(store, correction_id, author=body.author, reason=body.reason,
                                   options=options.fuse, wait_s=wait_s)  # fmt: skip
