// The timeline: events per day, stacked by event type (uPlot). Dragging across it picks a date
// range, which filters the map and the table; the From and To fields do the same by keyboard.
import { el, getJSON, typeColour } from "./api.js";

const DAY = 86400;
const DAY_STEPS = [1, 2, 7, 14, 30, 61, 91, 182, 365, 730, 1826].map((n) => n * DAY);
const toSeconds = (day) => Date.parse(`${day}T00:00:00Z`) / 1000;
const toDay = (seconds) => new Date(seconds * 1000).toISOString().slice(0, 10);

export class Timeline {
  constructor(container, onRange) {
    this.container = container;
    this.onRange = onRange;
    this.plot = null;
    this.range = [null, null];
    window.addEventListener("resize", () => this.plot && this.plot.setSize(this.size()));
  }

  size() {
    return { width: Math.max(320, this.container.clientWidth), height: 190 };
  }

  async load(filters) {
    this.draw(await getJSON("/timeline", filters));
  }

  draw(data) {
    if (this.plot) this.plot.destroy();
    this.plot = null;
    this.container.replaceChildren();
    this.xs = data.days.map(toSeconds);
    if (!this.xs.length) {
      this.container.append(el("p", { class: "empty" }, "No dated events match these filters."));
      return;
    }
    // stack the types (most events at the bottom); draw the tallest band first so lower ones paint over it
    let running = new Array(this.xs.length).fill(0);
    const stacked = data.types.map((type) => (running = running.map((v, i) => v + data.counts[type][i])));
    const bars = window.uPlot.paths.bars({ size: [0.9, 24], align: 0 });
    const series = [{ label: "Day", value: (u, v) => (v == null ? "" : toDay(v)) }];
    const values = [this.xs];
    for (let i = data.types.length - 1; i >= 0; i--) {
      const type = data.types[i];
      const colour = typeColour(type);
      series.push({
        label: type, stroke: colour, fill: colour, width: 0, paths: bars, points: { show: false },
        value: (u, v, si, idx) => (idx == null ? "" : String(data.counts[type][idx])),
      });
      values.push(stacked[i]);
    }
    const options = {
      ...this.size(),
      series,
      scales: { x: { time: true, range: (u, lo, hi) => [lo - DAY / 2, hi + DAY / 2] }, y: { range: (u, lo, hi) => [0, Math.max(1, hi)] } },
      // ticks on whole days only (events are dated by the day)
      axes: [{ incrs: DAY_STEPS, space: 90, values: (u, splits) => splits.map(toDay) }, { label: "events", size: 50 }],
      cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
      select: { show: true },
      hooks: { setSelect: [(u) => this.selected(u)] },
    };
    this.plot = new window.uPlot(options, values, this.container);
    this.showRange(...this.range);
  }

  selected(u) {
    if (this.quiet || u.select.width < 3) return; // a click, not a drag
    const from = u.posToVal(u.select.left, "x");
    const to = u.posToVal(u.select.left + u.select.width, "x");
    const first = this.xs[0], last = this.xs[this.xs.length - 1];
    // a day is picked when the drag reaches into its bar (bars are centred on their day)
    const since = toDay(Math.max(first, Math.ceil((from - DAY / 2) / DAY) * DAY));
    const until = toDay(Math.min(last, Math.floor((to + DAY / 2) / DAY) * DAY));
    this.onRange(since, until < since ? since : until);
  }

  /** Show [since, until] as the chart's selection (nothing when neither is set). */
  showRange(since, until) {
    this.range = [since || null, until || null];
    const u = this.plot;
    if (!u) return;
    this.quiet = true;
    if (!since && !until) {
      u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    } else {
      const lo = since ? toSeconds(since) - DAY / 2 : u.scales.x.min;
      const hi = until ? toSeconds(until) + DAY / 2 : u.scales.x.max;
      const left = Math.max(0, u.valToPos(lo, "x"));
      const right = Math.min(u.over.clientWidth, u.valToPos(hi, "x"));
      u.setSelect({ left, top: 0, width: Math.max(0, right - left), height: u.over.clientHeight }, false);
    }
    this.quiet = false;
  }
}
