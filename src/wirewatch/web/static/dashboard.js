// The dashboard: filters, map, timeline and the event table, all driven by one state that lives
// in the address's query string (so a view can be shared and reloaded).
import { announce, el, fmt, getJSON, placeLine, recordLink, showProblem, typeColour, TYPE_COLOURS } from "./api.js";
import { EventMap } from "./map.js";
import { Timeline } from "./timeline.js";

export const FILTER_KEYS = ["since", "until", "country", "admin1", "type", "sub_type", "actor", "min_fatalities", "min_sources", "q", "review"];
const VIEW_KEYS = ["sort", "offset", "z", "lat", "lon"];
const PAGE_SIZE = 50;
const DEFAULT_SORT = "-event_date";

export function readState(search = window.location.search) {
  const params = new URLSearchParams(search);
  const state = {};
  for (const key of [...FILTER_KEYS, ...VIEW_KEYS]) {
    const value = params.get(key);
    if (value !== null && value !== "") state[key] = value;
  }
  return state;
}

function stateQuery(state) {
  const params = new URLSearchParams();
  for (const key of [...FILTER_KEYS, ...VIEW_KEYS]) {
    if (state[key] !== undefined && state[key] !== null && state[key] !== "") params.set(key, state[key]);
  }
  const text = params.toString();
  return text ? `?${text}` : window.location.pathname;
}

const pick = (state, keys) => Object.fromEntries(keys.filter((k) => state[k] !== undefined).map((k) => [k, state[k]]));

export async function startDashboard(settings) {
  document.getElementById("dashboard").hidden = false;
  const state = readState();
  const form = document.getElementById("filters");
  const facets = await getJSON("/facets");
  const selects = new FilterSelects(form, facets);
  selects.fill(state);
  writeForm(form, state);
  drawLegend();

  const save = (push) => {
    const url = stateQuery(state);
    if (push) window.history.pushState(null, "", url);
    else window.history.replaceState(null, "", url);
  };
  const map = window.L ? new EventMap(document.getElementById("map"), settings, state, (view) => {
    Object.assign(state, view);
    save(false);
  }) : null;
  const timeline = window.uPlot ? new Timeline(document.getElementById("timeline"), (since, until) => {
    setRange(since, until);
  }) : null;
  const table = new EventTable(document.getElementById("events"), state, () => {
    save(true);
    table.load(pick(state, FILTER_KEYS));
  });

  async function refresh({ redrawTimeline = true } = {}) {
    const filters = pick(state, FILTER_KEYS);
    const undated = pick(state, FILTER_KEYS.filter((k) => k !== "since" && k !== "until"));
    showProblem("");
    try {
      await Promise.all([
        table.load(filters),
        map && map.load(filters),
        redrawTimeline && timeline && timeline.load(undated),
      ]);
      if (timeline) timeline.showRange(state.since, state.until);
      updateRangeLabel();
    } catch (err) {
      showProblem(err.code ? `${err.code}: ${err.message}` : String(err));
    }
  }

  function updateRangeLabel() {
    const label = document.getElementById("range-label");
    const ranged = state.since || state.until;
    label.textContent = ranged ? `(${state.since || "start"} to ${state.until || "end"})` : "";
    document.getElementById("clear-range").hidden = !ranged;
  }

  function setRange(since, until) {
    state.since = since || undefined;
    state.until = until || undefined;
    delete state.offset;
    form.elements.since.value = state.since || "";
    form.elements.until.value = state.until || "";
    save(true);
    announce(since ? `Date range ${since} to ${until}` : "Date range cleared");
    refresh({ redrawTimeline: false });
  }

  function applyForm(redrawTimeline = true) {
    Object.assign(state, readForm(form));
    for (const key of FILTER_KEYS) if (state[key] === "") delete state[key];
    delete state.offset;
    save(true);
    refresh({ redrawTimeline });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    applyForm();
  });
  form.addEventListener("change", (event) => {
    const name = event.target.name;
    if (name === "country") selects.fillAdmin1(form.elements.country.value, "");
    if (name === "type") selects.fillSubTypes(form.elements.type.value, "");
    applyForm(name !== "since" && name !== "until");
  });
  document.getElementById("f-reset").addEventListener("click", () => {
    for (const key of FILTER_KEYS) delete state[key];
    delete state.offset;
    selects.fill(state);
    writeForm(form, state);
    save(true);
    refresh();
  });
  document.getElementById("clear-range").addEventListener("click", () => setRange(null, null));
  window.addEventListener("popstate", () => window.location.reload());

  await refresh();
}

function readForm(form) {
  const values = {};
  for (const key of FILTER_KEYS) {
    const input = form.elements[key];
    if (input) values[key] = input.value.trim();
  }
  return values;
}

function writeForm(form, state) {
  for (const key of FILTER_KEYS) {
    const input = form.elements[key];
    if (input) input.value = state[key] || "";
  }
}

function drawLegend() {
  const legend = document.getElementById("legend");
  legend.replaceChildren(
    ...Object.entries(TYPE_COLOURS).map(([type, colour]) => {
      const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
      swatch.style.backgroundColor = colour;
      return el("li", {}, swatch, type);
    }),
    el("li", { class: "size-note" }, "Dot size: fatalities; numbered circles: several events (select to zoom in)"),
  );
}

/** The country, admin1, type and sub-type selects, filled from /facets. */
class FilterSelects {
  constructor(form, facets) {
    this.form = form;
    this.facets = facets;
  }

  fill(state) {
    const countries = this.facets.countries.map((c) => [c.country, `${c.country} (${c.events})`]);
    setOptions(this.form.elements.country, "All countries", countries, state.country);
    const types = {};
    for (const t of this.facets.types) types[t.event_type] = (types[t.event_type] || 0) + t.events;
    setOptions(this.form.elements.type, "All types", Object.entries(types).map(([t, n]) => [t, `${t} (${n})`]), state.type);
    this.fillAdmin1(state.country || "", state.admin1);
    this.fillSubTypes(state.type || "", state.sub_type);
  }

  fillAdmin1(country, selected) {
    const wanted = country.toLowerCase();
    const rows = this.facets.admin1.filter((r) => !wanted || r.country.toLowerCase() === wanted ||
      (this.facets.countries.find((c) => c.country === r.country)?.iso3 || "").toLowerCase() === wanted);
    const label = (r) => (wanted ? `${r.admin1} (${r.events})` : `${r.admin1}, ${r.country} (${r.events})`);
    setOptions(this.form.elements.admin1, "All provinces", rows.map((r) => [r.admin1, label(r)]), selected);
  }

  fillSubTypes(type, selected) {
    const rows = this.facets.types.filter((r) => r.sub_event_type && (!type || r.event_type.toLowerCase() === type.toLowerCase()));
    const counts = {};
    for (const r of rows) counts[r.sub_event_type] = (counts[r.sub_event_type] || 0) + r.events;
    setOptions(this.form.elements.sub_type, "All sub-types", Object.entries(counts).map(([s, n]) => [s, `${s} (${n})`]), selected);
  }
}

function setOptions(select, allLabel, entries, selected) {
  const seen = new Set();
  const options = [el("option", { value: "" }, allLabel)];
  for (const [value, label] of entries) {
    if (seen.has(value)) continue;
    seen.add(value);
    options.push(el("option", { value }, label));
  }
  if (selected && !seen.has(selected)) options.push(el("option", { value: selected }, selected)); // from a shared link
  select.replaceChildren(...options);
  select.value = selected || "";
}

/** The sortable, paginated table of matching events. */
class EventTable {
  constructor(table, state, onChange) {
    this.table = table;
    this.state = state;
    this.onChange = onChange;
    for (const th of table.querySelectorAll("th[data-sort]")) {
      th.querySelector("button").addEventListener("click", () => this.sortBy(th.dataset.sort));
    }
    document.getElementById("prev-page").addEventListener("click", () => this.page(-1));
    document.getElementById("next-page").addEventListener("click", () => this.page(1));
  }

  sortBy(key) {
    const current = this.state.sort || DEFAULT_SORT;
    this.state.sort = current === `-${key}` ? key : `-${key}`;
    delete this.state.offset;
    this.onChange();
  }

  page(step) {
    const offset = Math.max(0, Number(this.state.offset || 0) + step * PAGE_SIZE);
    this.state.offset = offset ? String(offset) : undefined;
    this.onChange();
  }

  async load(filters) {
    const sort = this.state.sort || DEFAULT_SORT;
    const offset = Number(this.state.offset || 0);
    const page = await getJSON("/events", { ...filters, sort, limit: PAGE_SIZE, offset });
    this.draw(page, sort);
  }

  draw(page, sort) {
    const body = this.table.tBodies[0];
    body.replaceChildren(...page.events.map((e) => this.row(e)));
    if (!page.events.length) body.append(el("tr", {}, el("td", { colspan: 8, class: "empty" }, "No events match these filters.")));
    for (const th of this.table.querySelectorAll("th[data-sort]")) {
      const key = th.dataset.sort;
      th.setAttribute("aria-sort", sort === key ? "ascending" : sort === `-${key}` ? "descending" : "none");
    }
    const first = page.total ? page.offset + 1 : 0;
    const last = page.offset + page.events.length;
    // past the server's cap the total is "at least" (total_exact false): shown with a plus
    const total = page.total_exact === false ? `${fmt.number(page.total)}+` : fmt.number(page.total);
    document.getElementById("page-label").textContent = `${fmt.number(first)}–${fmt.number(last)} of ${total}`;
    document.getElementById("table-count").textContent = `(${total})`;
    document.getElementById("prev-page").disabled = page.offset <= 0;
    document.getElementById("next-page").disabled = page.total_exact === false ? page.events.length < PAGE_SIZE : last >= page.total;
  }

  row(e) {
    const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
    swatch.style.backgroundColor = typeColour(e.event_type);
    const actors = [e.actor1, e.actor2].filter(Boolean).join(" vs ") || "–";
    return el("tr", { "data-event-id": e.event_id },
      el("td", {}, recordLink("event", e.event_id, e.event_date || "undated")),
      el("td", {}, swatch, e.sub_event_type || e.event_type || "–"),
      el("td", {}, actors),
      el("td", {}, placeLine({ location: e.location, admin1: e.admin1 })),
      el("td", {}, e.country || "–"),
      el("td", { class: "num" }, fmt.number(e.fatalities)),
      el("td", { class: "num" }, `${e.independent_source_count ?? 0} of ${e.source_count ?? 0}`),
      el("td", { class: "num" }, fmt.confidence(e.confidence)),
    );
  }
}
