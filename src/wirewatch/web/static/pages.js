// The record pages: an event with the evidence for each field, an article with its highlighted
// spans, a story with its copies. Every piece of text from the data goes in as a text node.
import { el, fmt, getJSON, outsideLink, placeLine, recordLink, typeColour } from "./api.js";
import { reviewPanel } from "./review.js";

// the event fields shown together, by the kind of words that support them
const GROUPS = [
  ["date", "When"],
  ["trigger", "What happened"],
  ["actor1", "Actor 1"],
  ["actor2", "Actor 2"],
  ["location", "Where"],
  ["fatalities", "Fatalities"],
  ["injuries", "Injuries"],
  [null, "Coded from the fields above"],
];

function backLink() {
  return el("p", { class: "crumbs" }, el("a", { href: "/" }, "← Back to the dashboard"));
}

function section(title, ...content) {
  const id = `s-${title.toLowerCase().replace(/[^a-z]+/g, "-")}`;
  return el("section", { "aria-labelledby": id }, el("h2", { id }, title), ...content);
}

/** Text with some ranges marked: highlights are {start, end, field?} offsets into `text`. */
export function highlighted(text, highlights, tag = "span") {
  const box = el(tag, { class: "highlighted" });
  const spans = highlights.filter((h) => h.start >= 0 && h.end <= text.length && h.start < h.end);
  const cuts = [...new Set([0, text.length, ...spans.flatMap((h) => [h.start, h.end])])].sort((a, b) => a - b);
  for (let i = 0; i < cuts.length - 1; i++) {
    const [a, b] = [cuts[i], cuts[i + 1]];
    const covering = spans.filter((h) => h.start <= a && b <= h.end);
    const piece = text.slice(a, b);
    if (!covering.length) {
      box.append(document.createTextNode(piece));
      continue;
    }
    const fields = [...new Set(covering.map((h) => h.field).filter(Boolean))];
    const mark = el("mark", { class: fields.length ? `span-${fields[0]}` : "", title: fields.join(", ") || null }, piece);
    if (fields.length) mark.dataset.fields = fields.join(" ");
    box.append(mark);
  }
  return box;
}

function setTitle(text) {
  document.title = `${text} · wirewatch`;
}

function showDetail(root, ...children) {
  document.getElementById("dashboard").hidden = true;
  root.hidden = false;
  root.replaceChildren(backLink(), ...children);
  document.getElementById("main").focus({ preventScroll: true });
}

// -- event ----------------------------------------------------------------------------------------
export async function eventPage(id, root) {
  const ev = await getJSON(`/events/${encodeURIComponent(id)}/evidence`);
  const what = ev.sub_event_type || ev.event_type || "Event";
  const title = `${what} in ${placeLine(ev)}, ${ev.event_date || "undated"}`;
  setTitle(title);
  const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
  swatch.style.backgroundColor = typeColour(ev.event_type);
  showDetail(root,
    el("h1", {}, swatch, title),
    ev.notes ? el("p", { class: "note" }, el("span", { class: "label" }, "Generated note: "), ev.notes) : null,
    el("dl", { class: "facts" },
      fact("Fatalities", tollLine(ev)),
      fact("Sources", `${ev.independent_source_count} independent of ${ev.source_count}`),
      fact("Confidence", fmt.confidence(ev.confidence)),
      fact("Modality", ev.modality || "–"),
      fact("First reported", ev.first_reported_at || "–"),
      fact("Updated", ev.updated_at || "–"),
      fact("Event id", ev.event_id),
    ),
    section("Review", reviewPanel(ev, () => eventPage(id, root))),
    section("Fields and their evidence", evidenceTable(ev)),
    section("Fatalities by source", tollTable(ev.fatalities_by_source)),
    section("Sources by story", storyList(ev.stories)),
    section("Revision history", historyTable(ev.history)),
    section("Articles", el("ul", {}, ev.articles.map((a) => el("li", {}, recordLink("article", a.article_id, a.title || a.article_id),
      a.outlet ? ` (${a.outlet})` : "", a.published_at ? `, ${a.published_at}` : "")))),
  );
}

const fact = (label, value) => [el("dt", {}, label), el("dd", {}, value)];

function tollLine(ev) {
  if (ev.fatalities === null || ev.fatalities === undefined) return "not reported";
  const range = ev.fatalities_low !== ev.fatalities_high && (ev.fatalities_low !== null || ev.fatalities_high !== null)
    ? ` (reports range from ${fmt.number(ev.fatalities_low)} to ${fmt.number(ev.fatalities_high)})` : "";
  return `${fmt.number(ev.fatalities)} best estimate${range}`;
}

function evidenceTable(ev) {
  const rows = GROUPS.map(([kind, label]) => {
    const fields = ev.fields.filter((f) => (f.support || null) === kind);
    if (!fields.length) return null;
    const evidence = fields[0].evidence || [];
    const values = el("dl", { class: "field-values" },
      fields.map((f) => [el("dt", {}, el("code", {}, f.field)), el("dd", {}, fmt.value(f.value))]));
    const support = kind === null
      ? el("p", { class: "muted" }, "Derived by the coder from the fields above (no words of their own).")
      : evidence.length ? el("ol", { class: "evidence" }, evidence.map(evidenceItem))
        : el("p", { class: "muted" }, "No source words support these fields.");
    return el("tr", { "data-support": kind || "derived" }, el("th", { scope: "row" }, label), el("td", {}, values), el("td", {}, support));
  });
  return el("table", { class: "evidence-table" },
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Fields"), el("th", { scope: "col" }, "Values"), el("th", { scope: "col" }, "Supporting sentence and source"))),
    el("tbody", {}, rows));
}

function evidenceItem(item) {
  const own = Object.entries(item.values || {}).filter(([, v]) => v !== null && v !== undefined);
  return el("li", {},
    el("blockquote", {}, highlighted(item.text, item.highlights.map((h) => ({ ...h, field: "support" })))),
    el("p", { class: "cite" }, "— ", recordLink("article", item.article_id, item.outlet || item.title || item.article_id),
      item.title && item.outlet ? `: ${item.title}` : "", item.published_at ? `, ${item.published_at}` : ""),
    own.length ? el("p", { class: "own-values" }, "This source: ", own.map(([k, v]) => `${k} ${fmt.value(v)}`).join("; ")) : null,
  );
}

function tollTable(toll) {
  return el("table", { class: "plain" },
    el("thead", {}, el("tr", {}, ["Source", "Fatalities", "Low", "High"].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, toll.by_source.map((s) => el("tr", {},
      el("td", {}, recordLink("article", s.article_id, s.outlet || s.article_id)),
      el("td", { class: "num" }, fmt.number(s.fatalities)),
      el("td", { class: "num" }, fmt.number(s.fatalities_low)),
      el("td", { class: "num" }, fmt.number(s.fatalities_high))))));
}

function storyList(stories) {
  return el("ol", { class: "stories" }, stories.map((story, i) => el("li", {},
    el("p", {}, el("strong", {}, `Independent source ${i + 1}`), ": ",
      story.story_id ? recordLink("story", story.story_id, story.title || `story ${story.story_id}`) : "an article in no story",
      story.agency ? ` (${story.agency})` : "", ` — ${story.copies.length} cop${story.copies.length === 1 ? "y" : "ies"}`),
    el("ul", {}, story.copies.map((c) => el("li", {},
      recordLink("article", c.article_id, c.outlet || c.title || c.article_id),
      c.published_at ? `, ${c.published_at}` : "",
      c.canonical ? " · canonical copy" : "",
      c.cited ? " · cited for this event" : " · ran the same copy"))))));
}

function historyTable(history) {
  if (!history.length) return el("p", { class: "muted" }, "No revisions recorded.");
  return el("table", { class: "plain history" },
    el("thead", {}, el("tr", {}, ["Revision", "When", "What", "Because of", "Changes"].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, history.map((h) => el("tr", {},
      el("td", { class: "num" }, String(h.revision)),
      el("td", {}, h.at),
      el("td", {}, h.action),
      el("td", {}, h.cause_article_id ? recordLink("article", h.cause_article_id)
        : h.author ? `${h.author}${h.reason ? `: ${h.reason}` : ""}` : "–"),
      el("td", {}, el("ul", { class: "changes" }, Object.entries(h.changes || {}).map(([field, change]) =>
        el("li", {}, el("code", {}, field), `: ${fmt.value(Array.isArray(change) ? change[0] : null)} → ${fmt.value(Array.isArray(change) ? change[1] : change)}`))))))));
}

// -- article --------------------------------------------------------------------------------------
const ARTICLE_FIELDS = ["title", "url", "outlet", "author", "agency", "dateline_place", "published_at", "language", "source", "kind", "encoding", "ingested_at"];

export async function articlePage(id, root) {
  const view = await getJSON(`/articles/${encodeURIComponent(id)}`);
  const a = view.article;
  setTitle(a.title || "Article");
  const spans = view.mentions.flatMap((m) => (m.spans || []).map((s) => ({ start: s.start, end: s.end, field: s.field, text: s.text })))
    .filter((s) => a.text.slice(s.start, s.end) === s.text);
  showDetail(root,
    el("h1", {}, a.title || "Untitled article"),
    section("Metadata and where each field came from", metadataTable(a)),
    section("Story", storyOfArticle(view)),
    section("Event mentions", mentionList(view.mentions)),
    section("Clean text", spanLegend(spans), highlighted(a.text, spans, "div")),
    section("Removed by the cleaner", removedList(a.removed || [])),
  );
  root.querySelector(".highlighted").classList.add("article-text");
}

function metadataTable(a) {
  const sources = a.field_sources || {};
  return el("table", { class: "plain" },
    el("thead", {}, el("tr", {}, ["Field", "Value", "Came from"].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, ARTICLE_FIELDS.map((name) => el("tr", {},
      el("th", { scope: "row" }, el("code", {}, name)),
      el("td", {}, name === "url" && a.url ? outsideLink(a.url) : fmt.value(a[name])),
      el("td", {}, sources[name] || (name === "published_at" ? a.published_at_source : "") || "–")))));
}

function storyOfArticle(view) {
  if (!view.story) return el("p", { class: "muted" }, "Not grouped into a story yet.");
  const s = view.story;
  return [
    el("p", {}, recordLink("story", s.story_id, s.title || `story ${s.story_id}`), `: ${s.members.length} cop${s.members.length === 1 ? "y" : "ies"}`,
      s.agency ? `, agency ${s.agency}` : "", "; canonical copy ", recordLink("article", s.canonical_article_id)),
    view.siblings.length
      ? el("ul", {}, view.siblings.map((m) => el("li", {}, recordLink("article", m.article_id, m.outlet || m.title || m.article_id),
        m.similarity !== null && m.similarity !== undefined ? `, similarity ${Number(m.similarity).toFixed(2)}` : "",
        m.published_at ? `, ${m.published_at}` : "", m.canonical ? " · canonical" : "")))
      : el("p", { class: "muted" }, "No other copies."),
  ];
}

function mentionList(mentions) {
  if (!mentions.length) return el("p", { class: "muted" }, "No event mentions in this article.");
  return el("ul", { class: "mentions" }, mentions.map((m) => el("li", {},
    `${m.event_date || "undated"} · ${m.sub_event_type || m.event_type || "event"} · ${placeLine(m)}`,
    m.fatalities !== null && m.fatalities !== undefined ? ` · ${m.fatalities} killed` : "",
    m.event_id ? [" · ", recordLink("event", m.event_id, "event")] : " · not fused yet")));
}

function spanLegend(spans) {
  const fields = [...new Set(spans.map((s) => s.field))].sort();
  if (!fields.length) return el("p", { class: "muted" }, "No spans to highlight.");
  return el("p", { class: "span-legend" }, "Highlighted: ", fields.map((f) => el("mark", { class: `span-${f}` }, f)));
}

function removedList(removed) {
  if (!removed.length) return el("p", { class: "muted" }, "Nothing was removed.");
  return el("details", {},
    el("summary", {}, `${removed.length} line(s) removed as site chrome`),
    el("ul", { class: "removed" }, removed.map((r) => el("li", {}, el("code", {}, r.reason), " ", r.text))));
}

// -- story ----------------------------------------------------------------------------------------
export async function storyPage(id, root) {
  const story = await getJSON(`/stories/${encodeURIComponent(id)}`);
  setTitle(story.title || "Story");
  showDetail(root,
    el("h1", {}, story.title || `Story ${story.story_id}`),
    el("dl", { class: "facts" },
      fact("Copies", String(story.members.length)),
      fact("Agency", story.agency || "–"),
      fact("First seen", story.first_seen || "–"),
      fact("Canonical copy", recordLink("article", story.canonical_article_id, (story.canonical && story.canonical.title) || story.canonical_article_id)),
    ),
    section("Copies", el("table", { class: "plain" },
      el("thead", {}, el("tr", {}, ["Outlet", "Title", "Similarity", "Published", "Words of prose", ""].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, story.members.map((m) => el("tr", {},
        el("td", {}, m.outlet || "–"),
        el("td", {}, recordLink("article", m.article_id, m.title || m.article_id)),
        el("td", { class: "num" }, m.similarity === null || m.similarity === undefined ? "–" : Number(m.similarity).toFixed(2)),
        el("td", {}, m.published_at || "–"),
        el("td", { class: "num" }, fmt.number(m.prose_words)),
        el("td", {}, m.canonical ? "canonical copy" : "")))))),
  );
}
