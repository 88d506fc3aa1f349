"""A deterministic generator of a realistic mixed news feed, for benchmarks.

Most articles (about 88%) report no conflict event: business, sports, politics, science and
culture, some with the "attack"/"strike"/"killed it" words that trip naive extractors. The
rest report one event (air or drone strike, clash, bombing, shelling, protest with tear gas,
abduction, arrests) in varied wording and regions. About one article in eight is a wire copy
republished by another outlet: scraped with site chrome, cut short under a new headline, or
as an HTML page. Formats mix agency copy, outlet text, HTML pages and JSONL records.

Word lists and templates are data (news_feed_data.json, next to this file). The same seed and
size always give the same feed.

    python bench/synth/news_feed.py --n 1000 --out /tmp/feed      # writes files, prints counts
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from wirewatch.records import Article, RawDocument

DATA = json.loads((Path(__file__).with_name("news_feed_data.json")).read_text(encoding="utf-8"))

EVENT_SHARE = 0.13  # share of original articles that report a conflict event
COPY_SHARE = 0.12  # share of articles that are republished copies of an earlier wire story
FORMAT_WEIGHTS = {"agency": 0.40, "outlet": 0.20, "html": 0.25, "jsonl": 0.15}  # originals
JSONL_CHUNK = 200  # records per .jsonl file
START = dt.datetime(2025, 3, 1, 6, 0)  # the feed spans March 2025
SPAN_HOURS = 30 * 24
CATEGORIES = ("business", "sports", "politics", "science", "culture")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]  # fmt: skip


@dataclass(slots=True)
class SynthArticle:
    """One generated article: what is written to disk plus the truth behind it."""

    index: int
    name: str  # file stem, unique
    fmt: str  # agency | outlet | html | jsonl | scraped | trimmed
    kind: str  # "text" | "html" (what clean receives)
    category: str  # business | sports | politics | science | culture | event
    event_type: str | None
    story_key: str  # copies of one wire story share it
    title: str
    body: str  # clean body text (paragraphs separated by blank lines)
    outlet: str | None
    agency: str | None
    published_at: str  # ISO 8601
    content: str = ""  # the text or HTML as written
    record: dict | None = None  # the JSONL record, for fmt == "jsonl"
    extras: dict = field(default_factory=dict)

    @property
    def words(self) -> int:
        return len(self.body.split())


class _Writer:
    """Fills templates from the word lists with one seeded random generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def pick(self, seq):  # type: ignore[no-untyped-def]
        return seq[self.rng.randrange(len(seq))]

    def person(self) -> str:
        return f"{self.pick(DATA['first_names'])} {self.pick(DATA['last_names'])}"

    def fill(self, template: str, extra: dict[str, str] | None = None) -> str:
        extra = extra or {}

        def value(match: re.Match[str]) -> str:
            key = match.group(1)
            if key in extra:
                return extra[key]
            if key == "person":
                return self.person()
            if key == "n":
                return str(self.rng.randint(3, 48))
            if key == "pct":
                return f"{self.rng.randint(1, 19)}.{self.rng.randint(0, 9)}"
            if key == "amount":
                return (
                    self.pick(["Rs ", "$", "EUR ", "KSh "])
                    + f"{self.rng.randint(2, 950)} {self.pick(['million', 'billion', 'crore'])}"
                )
            if key == "day":
                return self.pick(DATA["weekdays"])
            if key in DATA:
                return self.pick(DATA[key])
            return match.group(0)

        return re.sub(r"\{(\w+)\}", value, template)

    def prose(self) -> str:
        p = DATA["prose"]
        subject = self.pick(p["subjects"])
        if self.rng.random() < 0.4:  # an opener varies the words around the clause
            subject = self.fill(self.pick(p["openers"])) + subject[0].lower() + subject[1:]
        tail = " " + self.fill(self.pick(p["tails"])) if self.rng.random() < 0.7 else ""
        return f"{subject} {self.pick(p['verbs'])} {self.pick(p['objects'])}{tail}."

    def paragraphs(self, sentences: list[str], target_words: int, category: str) -> list[str]:
        """Given opening sentences, add category sentences and plain prose until the target length."""
        pool = list(DATA["filler"][category])
        self.rng.shuffle(pool)
        pool = pool[
            : self.rng.randint(2, 5)
        ]  # a few category sentences each: unrelated articles share little
        # The lead stands alone; the sentences after it go in pairs, as wire copy does.
        out: list[str] = sentences[:1] + [" ".join(sentences[k : k + 2]) for k in range(1, len(sentences), 2)]
        words = sum(len(s.split()) for s in sentences)
        para: list[str] = []
        while words < target_words:
            if pool and self.rng.random() < 0.5:
                s = self.fill(pool.pop())
            else:
                s = self.prose()
            para.append(s)
            words += len(s.split())
            if len(para) >= self.rng.randint(1, 3):
                out.append(" ".join(para))
                para = []
        if para:
            out.append(" ".join(para))
        return out


def _when(rng: random.Random, index: int, n: int) -> dt.datetime:
    hours = SPAN_HOURS * index / max(n, 1) + rng.random() * 6
    return START + dt.timedelta(hours=hours, minutes=rng.randint(0, 59))


def _event_article(w: _Writer) -> tuple[str, str, list[str], str]:
    """(event_type, headline, opening sentences, dateline city) for one conflict event."""
    event_type = w.pick(sorted(DATA["event_templates"]))
    tpl = DATA["event_templates"][event_type]
    region = w.pick(DATA["regions"])
    place, admin1 = w.pick(region["places"])
    state = w.pick(region["state"])
    group = w.pick(region["groups"])
    n = w.rng.randint(2, 40)
    slots = {
        "place": place, "admin1": admin1, "country": region["country"], "state": state,
        "state_cap": state[0].upper() + state[1:], "group": group, "n": str(n),
        "m": str(w.rng.randint(2, 60)), "n_word": w.pick(DATA["number_words"]),
        "when": w.pick(DATA["event_whens"]), "source": w.pick(DATA["event_sources"]),
    }  # fmt: skip
    slots["n_word_cap"] = slots["n_word"][0].upper() + slots["n_word"][1:]
    headline = w.fill(w.pick(tpl["headline"]), slots)
    lead = w.fill(w.pick(tpl["lead"]), slots)
    context = [w.fill(c) for c in w.rng.sample(DATA["filler"]["event_context"], 3)]
    return event_type, headline, [lead, *context], w.pick(region["datelines"])


def _dateline(agency: str, city: str, when: dt.datetime) -> str:
    spec = DATA["agencies"][agency]["dateline"]
    return spec.format(
        City=city, CITY=city.upper(), Mon=MONTHS[when.month - 1][:3], Month=MONTHS[when.month - 1], d=when.day
    )


def _slug(rng: random.Random) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return (
        "".join(rng.choice(letters) for _ in range(3)) + "/" + "".join(rng.choice(letters) for _ in range(3))
    )


def _agency_copy(a: SynthArticle, w: _Writer, city: str, when: dt.datetime) -> str:
    """Plain agency copy: dateline on the first paragraph, sign-off and editor slug at the end."""
    spec = DATA["agencies"][a.agency]
    paras = a.body.split("\n\n")
    first = f"{_dateline(a.agency, city, when)} {paras[0]}"
    tail = []
    if spec["signoff"]:
        tail.append(w.fill(spec["signoff"]))
    if spec["slug"]:
        tail.append(_slug(w.rng))
    # Agency copies carry their date only in the dateline: add a header line so every file is dated.
    header = f"{a.title}\n\n{when:%B} {when.day}, {when.year} {when:%H:%M} GMT"
    return "\n\n".join([header, first, *paras[1:], *tail])


def _outlet_text(a: SynthArticle, when: dt.datetime) -> str:
    return f"{a.outlet}\nPublished: {when:%A}, {when.day} {when:%B %Y}\n\n{a.title}\n\n{a.body}\n"


def _html_page(a: SynthArticle, when: dt.datetime, url: str) -> str:
    e = html.escape
    paras = "\n".join(f"  <p>{e(p)}</p>" for p in a.body.split("\n\n"))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{e(a.title)} | {e(a.outlet or "")}</title>
<meta property="og:site_name" content="{e(a.outlet or "")}">
<meta property="og:title" content="{e(a.title)}">
<meta property="og:url" content="{e(url)}">
<meta property="article:published_time" content="{when:%Y-%m-%dT%H:%M:00}+00:00">
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a> <a href="/sport">Sport</a> <a href="/subscribe">Subscribe</a></nav></header>
<main><article>
  <h1>{e(a.title)}</h1>
  <p class="byline">{when.day} {when:%B %Y}</p>
{paras}
</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Fuel prices to rise next month</a></li><li><a href="/b">City marathon route announced</a></li></ul></aside></main>
<footer><p>&copy; {when.year} {e(a.outlet or "")}. All rights reserved.</p><p><a href="/about">About</a> | <a href="/privacy">Privacy</a></p></footer>
</body></html>
"""


def _scraped_copy(orig: SynthArticle, w: _Writer, when: dt.datetime) -> str:
    """The wire story as text scraped from a portal, with its site chrome."""
    paras = orig.body.split("\n\n")
    city = orig.extras["city"]
    first = f"{_dateline('IANS', city, when)} {paras[0]}" if orig.agency == "IANS" else paras[0]
    teaser = " ".join(first.split()[:28]) + " ..."
    menu = "\n".join(w.pick(DATA["chrome_menus"]))
    body = [first, *paras[1:]]
    if len(body) > 3:
        body.insert(len(body) // 2, "Advertisement")
    related = [f"{w.pick(DATA['chrome_categories'])}{w.fill(w.pick(DATA['headlines'][c]))}"
               for c in w.rng.sample(CATEGORIES, 4)]  # fmt: skip
    hour = when.strftime("%H:%M")
    return "\n\n".join([
        menu, orig.title, f"By {orig.agency} | Updated: {when:%B} {when.day}, {when.year} {hour} IST", teaser,
        "Open in App", *body, "Share\nPrint", w.pick(DATA["chrome_disclaimers"]), "Open in App",
        "Related Stories", *related,
    ]) + "\n"  # fmt: skip


def generate_feed(n: int, seed: int = 7) -> list[SynthArticle]:
    """N articles, the same for the same (n, seed)."""
    rng = random.Random(seed)
    w = _Writer(rng)
    out: list[SynthArticle] = []
    wire: list[SynthArticle] = []  # originals from agencies that others may republish
    for i in range(n):
        when = _when(rng, i, n)
        if wire and rng.random() < COPY_SHARE:
            out.append(_copy_of(w.pick(wire[-40:]), i, w, when))
            continue
        if rng.random() < EVENT_SHARE:
            event_type, title, opening, city = _event_article(w)
            category, filler = "event", "politics"
        else:
            category = w.pick(CATEGORIES)
            event_type, filler, city = None, category, w.pick(DATA["news_cities"])
            title = w.fill(w.pick(DATA["headlines"][category]))
            opening = []
        target = rng.randint(300, 700)
        body = "\n\n".join(w.paragraphs(opening, target, filler))
        fmt = rng.choices(list(FORMAT_WEIGHTS), weights=list(FORMAT_WEIGHTS.values()))[0]
        agency = w.pick(sorted(DATA["agencies"])) if fmt == "agency" else None
        outlet = None if fmt == "agency" else w.pick(DATA["outlets"])
        a = SynthArticle(
            index=i, name=f"{i:06d}_{fmt}", fmt=fmt, kind="html" if fmt == "html" else "text",
            category=category, event_type=event_type, story_key=f"s{i}", title=title, body=body,
            outlet=outlet, agency=agency, published_at=when.strftime("%Y-%m-%dT%H:%M:00+00:00"),
            extras={"city": city},
        )  # fmt: skip
        url = f"https://{(outlet or agency or 'wire').lower().replace(' ', '-')}.example/{i:06d}"
        if fmt == "agency":
            a.content = _agency_copy(a, w, city, when)
            wire.append(a)
        elif fmt == "outlet":
            a.content = _outlet_text(a, when)
        elif fmt == "html":
            a.content = _html_page(a, when, url)
        else:
            as_html = rng.random() < 0.3
            a.kind = "html" if as_html else "text"
            a.record = {"id": f"feed-{i:06d}", "url": url, "title": title, "published_at": a.published_at,
                        "outlet": outlet}  # fmt: skip
            a.record["html" if as_html else "text"] = _html_page(a, when, url) if as_html else body
            a.content = a.record["html" if as_html else "text"]
        out.append(a)
    return out


def _copy_of(orig: SynthArticle, i: int, w: _Writer, when: dt.datetime) -> SynthArticle:
    """Another outlet republishing a wire story: scraped with chrome, trimmed, or as HTML."""
    when = max(when, dt.datetime.fromisoformat(orig.published_at).replace(tzinfo=None))
    style = w.pick(["scraped", "trimmed", "html"])
    outlet = w.pick(DATA["outlets"])
    a = SynthArticle(
        index=i, name=f"{i:06d}_{style}", fmt=style, kind="html" if style == "html" else "text",
        category=orig.category, event_type=orig.event_type, story_key=orig.story_key, title=orig.title,
        body=orig.body, outlet=outlet, agency=orig.agency, published_at=when.strftime("%Y-%m-%dT%H:%M:00+00:00"),
        extras={"copy_of": orig.index, "city": orig.extras["city"]},
    )  # fmt: skip
    if style == "scraped":
        a.content = _scraped_copy(orig, w, when)
    elif style == "trimmed":
        paras = orig.body.split("\n\n")
        keep = max(2, int(len(paras) * w.rng.uniform(0.6, 0.85)))
        a.body = "\n\n".join(paras[:keep])
        a.title = (
            w.fill(w.pick(DATA["headlines"]["politics"]))
            if orig.category != "event"
            else orig.title + " (update)"
        )
        a.content = f"{outlet}\nPublished: {when:%A}, {when.day} {when:%B %Y}\n\n{a.title}\n\n{a.body}\n\n(With inputs from {orig.agency})\n"
    else:
        a.content = _html_page(a, when, f"https://{outlet.lower().replace(' ', '-')}.example/{i:06d}")
    return a


def write_feed(articles: list[SynthArticle], folder: str | Path) -> Path:
    """Write .txt and .html files and .jsonl record files into `folder` (created)."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    records: list[dict] = []
    for a in articles:
        if a.fmt == "jsonl":
            records.append(a.record or {})
        else:
            ext = ".html" if a.kind == "html" else ".txt"
            (root / f"{a.name}{ext}").write_text(a.content, encoding="utf-8")
    for k in range(0, len(records), JSONL_CHUNK):
        lines = [json.dumps(r, ensure_ascii=False) for r in records[k : k + JSONL_CHUNK]]
        (root / f"feed_{k // JSONL_CHUNK:04d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def to_raw_documents(articles: list[SynthArticle], folder: str = "synth") -> list[RawDocument]:
    """The RawDocuments ingest would read from write_feed's folder (without touching disk)."""
    docs: list[RawDocument] = []
    line = 0
    for a in articles:
        if a.fmt == "jsonl":
            r = a.record or {}
            line += 1
            chunk, at = divmod(line - 1, JSONL_CHUNK)
            docs.append(RawDocument(
                source=f"{folder}/feed_{chunk:04d}.jsonl:{at + 1}", kind=a.kind, content=a.content,
                url=r.get("url"), given_title=r.get("title"), given_published_at=r.get("published_at"),
                given_outlet=r.get("outlet"), external_id=r.get("id"),
            ))  # fmt: skip
        else:
            ext = ".html" if a.kind == "html" else ".txt"
            docs.append(RawDocument(source=f"{folder}/{a.name}{ext}", kind=a.kind, content=a.content))
    return docs


def to_articles(articles: list[SynthArticle], folder: str = "synth") -> list[Article]:
    """Ground-truth clean Articles (for benchmarking later stages without the cleaner)."""
    out = []
    for a, raw in zip(articles, to_raw_documents(articles, folder), strict=True):
        out.append(Article(
            article_id=raw.raw_id, source=raw.source, text=a.body, title=a.title, outlet=a.outlet,
            published_at=a.published_at, published_at_source="input", agency=a.agency, language="en",
            kind=a.kind, external_id=raw.external_id, url=raw.url,
        ))  # fmt: skip
    return out


def describe(articles: list[SynthArticle]) -> dict[str, object]:
    words = [a.words for a in articles]
    return {
        "articles": len(articles),
        "with_event": sum(a.category == "event" for a in articles),
        "copies": sum("copy_of" in a.extras for a in articles),
        "formats": dict(sorted(Counter(a.fmt for a in articles).items())),
        "categories": dict(sorted(Counter(a.category for a in articles).items())),
        "words_mean": round(sum(words) / max(len(words), 1)),
        "words_min": min(words, default=0),
        "words_max": max(words, default=0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="number of articles")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", help="folder to write (omit to only print counts)")
    args = parser.parse_args()
    feed = generate_feed(args.n, args.seed)
    if args.out:
        write_feed(feed, args.out)
    print(json.dumps(describe(feed), indent=1))


if __name__ == "__main__":
    main()
