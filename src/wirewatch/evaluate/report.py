"""The evaluation report: per-field precision, recall and F1, plus what was coded wrongly."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# How each scored field is named in the printed table.
FIELD_LABELS = {
    "found": "event found",
    "event_type": "event_type",
    "sub_event_type": "sub_event_type",
    "actor1": "actor1",
    "actor2": "actor2",
    "country": "country",
    "admin1": "admin1",
    "location": "location (25 km)",
    "event_date": "date in window",
    "fatalities": "fatalities",
    "stories": "same story (article pairs)",
}
TABLE_COLUMNS = ["field", "precision", "recall", "f1", "tp", "fp", "fn"]
DETAIL_COLUMNS = ["event", "required", "found", "wrong", "missing", "prediction"]


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


@dataclass(slots=True)
class FieldScore:
    field: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def scored(self) -> bool:
        """False when the gold constrains this field nowhere and nothing was predicted for it."""
        return self.tp + self.fp + self.fn > 0

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        if not self.scored:
            return {
                "field": self.field,
                "precision": None,
                "recall": None,
                "f1": None,
                "tp": 0,
                "fp": 0,
                "fn": 0,
            }
        return {"field": self.field, "precision": round(self.precision, 3), "recall": round(self.recall, 3),
                "f1": round(self.f1, 3), "tp": self.tp, "fp": self.fp, "fn": self.fn}  # fmt: skip


@dataclass(slots=True)
class NotEventHit:
    """A predicted event that codes something the gold says is not an event."""

    text: str
    prediction: str
    article: str | None


@dataclass(slots=True)
class EvalReport:
    gold_path: str
    fields: list[FieldScore]
    gold_events: int = 0
    required_events: int = 0
    predicted_events: int = 0
    matched: int = 0
    extra_events: int = 0
    optional_events_coded: int = 0
    not_events: int = 0
    not_events_coded: int = 0
    not_event_hits: list[NotEventHit] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)  # per gold event: found, prediction, verdicts
    stories: FieldScore | None = None  # same-story article pairs, when the gold lists stories

    def field(self, name: str) -> FieldScore:
        for row in self.fields:
            if row.field == name:
                return row
        raise KeyError(name)

    def f1(self) -> dict[str, float]:
        """field -> F1, the figures the quality gates pin (fields the gold never scores are left out)."""
        out = {row.field: round(row.f1, 4) for row in self.fields if row.scored}
        if self.stories is not None and self.stories.scored:
            out["stories"] = round(self.stories.f1, 4)
        return out

    def rows(self) -> list[dict[str, Any]]:
        """One row per scored field, then the counts of not_events coded and extra events."""
        out = []
        extra = [self.stories] if self.stories is not None else []
        for row in [*self.fields, *extra]:
            d = row.to_dict()
            d["field"] = FIELD_LABELS.get(row.field, row.field)
            d["key"] = row.field
            out.append(d)
        out.append({"field": "not_events wrongly coded", "key": "not_events_coded",
                    "count": self.not_events_coded, "of": self.not_events})  # fmt: skip
        out.append({"field": "extra events", "key": "extra_events", "count": self.extra_events,
                    "of": self.predicted_events})  # fmt: skip
        return out

    def table_rows(self) -> list[dict[str, Any]]:
        rows = []
        for d in self.rows():
            if "count" in d:
                rows.append({"field": d["field"], "precision": "", "recall": "", "f1": "",
                             "tp": "", "fp": f"{d['count']} of {d['of']}", "fn": ""})  # fmt: skip
            else:
                rows.append(
                    {
                        **d,
                        **{k: "-" if d[k] is None else f"{d[k]:.3f}" for k in ("precision", "recall", "f1")},
                    }
                )
        return rows

    def detail_rows(self) -> list[dict[str, Any]]:
        """One row per gold event: found or not, and the fields that were wrong or missing."""
        rows = []
        for e in self.events:
            bad = {k: v for k, v in e["fields"].items() if v != "ok"}
            rows.append({
                "event": e["key"], "required": e["required"], "found": e["found"],
                "wrong": " ".join(sorted(k for k, v in bad.items() if v == "wrong")),
                "missing": " ".join(sorted(k for k, v in bad.items() if v == "missing")),
                "prediction": e["prediction"],
            })  # fmt: skip
        return rows

    def summary_line(self) -> str:
        return (f"gold events {self.gold_events} ({self.required_events} required), predicted {self.predicted_events}, "
                f"matched {self.matched}, extra {self.extra_events}, "
                f"not_events coded {self.not_events_coded} of {self.not_events}")  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["fields"] = [row.to_dict() for row in self.fields]
        d["stories"] = self.stories.to_dict() if self.stories is not None else None
        return d
