"""A labelled syndication corpus: outlet copies of wire stories plus hard negatives.

Stories come from our own base articles (bench/synth/base_articles) and, to reach any
size, from recombined stories: paragraphs drawn from the base pool with a story-level
word mutation (so two recombined stories share little text, while copies of one story
share it all). Every story is published by several outlets, each copy changed the way
real syndication changes it: page chrome above and below (related headlines, teasers,
disclaimers), a new headline, trimming, dropped paragraphs, small word edits, agency
datelines, sign-offs and slugs, curly quotes, mojibake, hard line wraps. Hard negatives:
different stories on one topic, stories quoting the same long statement, two newsrooms'
own reports of one event, and formulaic items (market closes, score tables, one-line briefs).

Deterministic for a seed. Items are dicts with a `label` (the true story); `to_articles`
turns them into `wirewatch.records.Article`.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wirewatch.records import Article, content_id

HERE = Path(__file__).resolve().parent
BASE_DIR = HERE / "base_articles"
STYLE = json.loads((HERE / "outlets.json").read_text("utf-8"))
_MONTHS = ["Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec"]


@dataclass(slots=True)
class Story:
    label: str
    title: str
    paragraphs: list[str]
    dateline: str
    agency: str | None
    date: dt.datetime
    topic: str
    kind: str = "story"  # story | market | scores | brief
    meta: dict[str, Any] = field(default_factory=dict)


def load_base_articles(folder: Path = BASE_DIR) -> list[Story]:
    """Base articles: a `key: value` header, a blank line, then paragraphs separated by blank lines."""
    stories = []
    for path in sorted(folder.glob("*.txt")):
        head, _, body = path.read_text("utf-8").partition("\n\n")
        meta = dict(line.split(":", 1) for line in head.splitlines() if ":" in line)
        meta = {k.strip(): v.strip() for k, v in meta.items()}
        stories.append(
            Story(
                label=f"base-{path.stem}", title=meta["title"],
                paragraphs=[p.strip() for p in body.split("\n\n") if p.strip()],
                dateline=meta.get("dateline", ""), agency=meta.get("agency") or None,
                date=dt.datetime.fromisoformat(meta["date"]).replace(hour=9), topic=meta.get("topic", ""),
                meta={k: v for k, v in meta.items() if k in ("quote_group", "event")},
            )
        )  # fmt: skip
    return stories


# -- recombined stories ---------------------------------------------------------------------------
def _vocabulary(bases: list[Story]) -> list[str]:
    words = {w for b in bases for p in b.paragraphs for w in re.findall(r"\b[a-z]{4,}\b", p)}
    return sorted(words)


def _mutate(rng: random.Random, text: str, vocab: list[str], rate: float) -> str:
    out = []
    for word in text.split(" "):
        if word.isdigit() or re.fullmatch(r"\d[\d,.]*", word):
            out.append(str(rng.randint(2, 990)))
        elif rng.random() < rate and word.isalpha() and word.islower():
            out.append(rng.choice(vocab))
        else:
            out.append(word)
    return " ".join(out)


def _recombined(rng: random.Random, n: int, bases: list[Story], vocab: list[str], quotes: list[str]) -> Story:
    picks = [rng.choice(bases) for _ in range(rng.randint(4, 7))]
    paragraphs = [_mutate(rng, rng.choice(b.paragraphs), vocab, 0.3) for b in picks]
    if quotes and rng.random() < 0.06:  # shares a long statement, word for word, with other stories
        paragraphs.insert(rng.randint(1, len(paragraphs)), rng.choice(quotes))
    first = picks[0]
    return Story(
        label=f"syn-{n}", title=_mutate(rng, rng.choice(bases).title, vocab, 0.4), paragraphs=paragraphs,
        dateline=first.dateline, agency=rng.choice([None, "Reuters", "AFP", "AP", "PTI", "IANS", "Bloomberg"]),
        date=dt.datetime(2024, 1, 1, 6) + dt.timedelta(days=rng.randint(0, 360), minutes=rng.randint(0, 900)),
        topic=first.topic,
    )  # fmt: skip


def _quotes(bases: list[Story]) -> list[str]:
    return [
        p
        for b in bases
        if b.meta.get("quote_group")
        for p in b.paragraphs
        if p.count('"') >= 2 and len(p) > 300
    ]


# -- formulaic items ------------------------------------------------------------------------------
def _formulaic(rng: random.Random, n: int) -> Story:
    f = STYLE["formulaic"]
    date = dt.datetime(2024, 1, 1, 16) + dt.timedelta(days=rng.randint(0, 360))
    kind = rng.choice(["market", "scores", "brief"])
    if kind == "market":
        cos = rng.sample(f["companies"], 4)
        text = (
            f"Market close, {date:%d %B %Y}. The 30-share index closed at {rng.randint(60000, 82000):,} "
            f"({rng.uniform(-2, 2):+.2f} percent) and the 50-share index at {rng.randint(18000, 25000):,} "
            f"({rng.uniform(-2, 2):+.2f} percent). Gold {rng.randint(58000, 73000):,} rupees per 10 grams, silver "
            f"{rng.randint(70000, 92000):,} rupees per kg. Rupee {rng.uniform(82, 84):.2f} per dollar. Brent crude "
            f"{rng.uniform(70, 95):.2f} dollars a barrel. Top gainers: {cos[0]} ({rng.uniform(1, 6):+.1f} percent), "
            f"{cos[1]} ({rng.uniform(1, 6):+.1f} percent). Top losers: {cos[2]} ({-rng.uniform(1, 6):.1f} percent), "
            f"{cos[3]} ({-rng.uniform(1, 6):.1f} percent). Advances {rng.randint(900, 2600)}, declines {rng.randint(900, 2600)}."
        )
        title = f"Market close {date:%d %b}"
    elif kind == "scores":
        teams = rng.sample(f["teams"], 10)
        games = "; ".join(
            f"{teams[i]} {rng.randint(0, 4)} {teams[i + 1]} {rng.randint(0, 4)}" for i in range(0, 10, 2)
        )
        table = ", ".join(f"{t} {rng.randint(10, 60)} points" for t in rng.sample(f["teams"], 5))
        text = (
            f"Results of {rng.choice(f['leagues'])} matches played on {rng.choice(f['days'])}: {games}. "
            f"Standings after {rng.randint(5, 30)} rounds: {table}. Next round on {rng.choice(f['days'])}."
        )
        title = "Football results"
    else:
        text = (
            f"{rng.choice(f['places'])} police arrested {rng.randint(2, 9)} men on {rng.choice(f['days'])} over the "
            f"theft of {rng.choice(f['thefts'])}, a spokesman said on {date.day} {date:%B}."
        )
        title = "In brief"
    return Story(f"fml-{n}", title, [text], "", rng.choice([None, "PTI", "Reuters"]), date, kind, kind=kind)


# -- outlet copies --------------------------------------------------------------------------------
def _straight_to_curly(text: str) -> str:
    text = re.sub(r'"(?=\w)', "\u201c", text)
    text = text.replace('"', "\u201d")
    return re.sub(r"(?<=\w)'", "\u2019", text)


def _mojibake(text: str) -> str:
    return _straight_to_curly(text).encode("utf-8").decode("cp1252", errors="replace")


def _fill(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), ""), template)


def _copy(rng: random.Random, story: Story, copy_no: int, titles: list[str]) -> dict[str, Any]:
    paragraphs = list(story.paragraphs)
    ops: list[str] = []
    original = copy_no == 0 or story.kind != "story"
    if not original:
        if len(paragraphs) > 3 and rng.random() < 0.3:
            keep = max(2, round(len(paragraphs) * rng.uniform(0.5, 0.85)))
            paragraphs, ops = paragraphs[:keep], ops + ["trim"]
        if len(paragraphs) > 3 and rng.random() < 0.25:
            del paragraphs[rng.randrange(1, len(paragraphs))]
            ops.append("drop-paragraph")
        if rng.random() < 0.5:
            edits = STYLE["edits"]
            for old in rng.sample(sorted(edits), rng.randint(1, 4)):
                i = rng.randrange(len(paragraphs))
                paragraphs[i] = paragraphs[i].replace(old, edits[old], 1)
            ops.append("edits")
        if rng.random() < 0.15:  # one typo: two letters swapped
            i = rng.randrange(len(paragraphs))
            words = paragraphs[i].split(" ")
            j = rng.randrange(len(words))
            if len(words[j]) > 4:
                w = words[j]
                words[j] = w[0] + w[2] + w[1] + w[3:]
            paragraphs[i] = " ".join(words)
            ops.append("typo")
    agency = story.agency
    names = STYLE["names"]
    if agency and story.kind == "story" and (original or rng.random() < 0.5):
        line = _fill(STYLE["agency_datelines"].get(agency, "{dateline} ({agency}) - "), {
            "dateline": story.dateline.upper(), "mon": _MONTHS[story.date.month - 1], "day": str(story.date.day),
            "agency": agency,
        })  # fmt: skip
        paragraphs[0] = line + paragraphs[0]
        ops.append("agency-dateline")
    if agency and story.kind == "story" and (original or rng.random() < 0.4):
        slug = (
            "".join(rng.choice("abcdefghkmnprstv") for _ in range(3))
            + "/"
            + "".join(rng.choice("abcdefghkmnprstv") for _ in range(3))
        )
        sign = rng.choice(STYLE["signoffs"].get(agency, ["--" + agency]))
        paragraphs.append(
            _fill(
                sign,
                {
                    "slug": slug,
                    "slug_upper": slug.upper(),
                    "slug2": slug[:2],
                    "name1": rng.choice(names),
                    "name2": rng.choice(names),
                },
            )
        )
        ops.append("signoff")
    outlet = (
        rng.choice(STYLE["outlets"])
        if not original
        else {"name": agency or "wire", "quotes": "straight", "header": [], "footer": []}
    )
    headline = story.title
    if not original and rng.random() < 0.6:
        style = rng.choice(STYLE["headline_styles"])
        headline = _fill(
            style,
            {"title": story.title, "outlet": outlet["name"], "short": " ".join(story.title.split()[:6])},
        )
        ops.append("headline")
    published = story.date + dt.timedelta(minutes=(0 if original else rng.randint(5, 60 * 30)))
    sep = "\n" if rng.random() < 0.4 else "\n\n"
    if not original and rng.random() < 0.15:
        paragraphs = [textwrap.fill(p, 72) for p in paragraphs]
        ops.append("hard-wrap")
    body = sep.join(paragraphs)
    if not original and (outlet["header"] or outlet["footer"]) and rng.random() < 0.65:
        values = {
            "title": headline, "date_long": f"{published:%B} {published.day}, {published:%Y}",
            "date_short": f"{published:%Y-%m-%d}", "time": f"{published:%H:%M}", "agency": agency or "Staff",
            "topic": story.topic, "teaser": story.paragraphs[0][:140].rsplit(" ", 1)[0] + " ...",
        }  # fmt: skip
        header = [_fill(h, values) for h in outlet["header"]]
        footer = [_fill(h, dict(values, related=rng.choice(titles))) for h in outlet["footer"]]
        body = "\n".join(header) + "\n" + body + "\n" + "\n".join(footer)
        ops.append("chrome")
    if not original:
        if outlet["quotes"] == "curly":
            body = _straight_to_curly(body)
        elif outlet["quotes"] == "mojibake":
            body, ops = _mojibake(body), ops + ["mojibake"]
    return {
        "text": body, "title": headline, "outlet": outlet["name"], "agency": agency,
        "published_at": published.replace(microsecond=0).isoformat(), "label": story.label,
        "topic": story.topic, "kind": story.kind, "ops": ops, "event": story.meta.get("event"),
    }  # fmt: skip


def _copies_wanted(rng: random.Random) -> int:
    return rng.choices([1, 2, 3, 4, 5, 6, 8, 10, 14, 20], weights=[26, 18, 14, 10, 8, 7, 6, 5, 4, 2])[0]


def generate_corpus(
    size: int = 2000, seed: int = 7, *, formulaic_share: float = 0.08
) -> list[dict[str, Any]]:
    """About `size` labelled items (dicts with text, title, outlet, agency, published_at, label, ...)."""
    rng = random.Random(seed)
    bases = load_base_articles()
    vocab, quotes = _vocabulary(bases), _quotes(bases)
    titles = [b.title for b in bases]
    items: list[dict[str, Any]] = []
    for base in bases:  # every base story is syndicated widely
        if len(items) >= size:
            break
        for c in range(rng.randint(3, 10)):
            items.append(_copy(rng, base, c, titles))
    n = 0
    while len(items) < size:
        n += 1
        if rng.random() < formulaic_share:
            story = _formulaic(rng, n)
            copies = rng.choice([1, 1, 1, 2])  # an exact re-run of a table is a true duplicate
        else:
            story = _recombined(rng, n, bases, vocab, quotes)
            copies = _copies_wanted(rng)
            titles.append(story.title)
        for c in range(min(copies, size - len(items))):
            items.append(_copy(rng, story, c, titles))
    for i, item in enumerate(items):
        item["article_id"] = content_id("synth", str(seed), str(i))
    return items


def to_articles(items: list[dict[str, Any]]) -> list[Article]:
    return [
        Article(
            article_id=it["article_id"], source=f"synth:{it['article_id']}", text=it["text"], title=it["title"],
            outlet=it["outlet"], agency=it["agency"], published_at=it["published_at"],
        )
        for it in items
    ]  # fmt: skip
