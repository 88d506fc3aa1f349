// The map: Natural Earth country outlines drawn offline (an online tile layer only when the
// configuration names one), and the server's grid cells as markers: one dot per event, sized by
// fatalities and coloured by type; a numbered circle where several events share a cell.
import { el, fmt, getJSON, recordLink, typeColour } from "./api.js";

const OUTLINES = "/static/vendor/world-atlas/countries-50m.json";
const START = { z: 2, lat: 15, lon: 20 };
const MAX_ZOOM = 12;

export class EventMap {
  constructor(container, settings, state, onView) {
    const L = window.L;
    this.map = L.map(container, { minZoom: 1, maxZoom: MAX_ZOOM, worldCopyJump: true, keyboard: true });
    this.map.attributionControl.addAttribution("Outlines: Natural Earth");
    container.leafletMap = this.map; // for the browser tests: where a coordinate is drawn
    if (settings.tile_url) {
      L.tileLayer(settings.tile_url, { attribution: settings.tile_attribution || "", maxZoom: MAX_ZOOM }).addTo(this.map);
    }
    const z = Number(state.z), lat = Number(state.lat), lon = Number(state.lon);
    const given = state.z !== undefined && Number.isFinite(z) && Number.isFinite(lat) && Number.isFinite(lon);
    this.map.setView(given ? [lat, lon] : [START.lat, START.lon], given ? z : START.z);
    this.layer = L.layerGroup().addTo(this.map);
    this.filters = {};
    this.sequence = 0;
    this.map.on("moveend", () => {
      const centre = this.map.getCenter();
      onView({ z: String(this.map.getZoom()), lat: centre.lat.toFixed(4), lon: centre.lng.toFixed(4) });
      this.reload();
    });
    this.outlines = this.drawOutlines();
  }

  async drawOutlines() {
    const response = await fetch(OUTLINES);
    if (!response.ok || !window.topojson) return;
    const topology = await response.json();
    const topojson = window.topojson;
    const L = window.L;
    // land filled without an outline (a ring cut at the date line would draw a stray edge), and
    // the borders between countries drawn once each; Antarctica left out
    const countries = topology.objects.countries;
    countries.geometries = countries.geometries.filter((g) => g.id !== "010");
    const land = { fillColor: "#f4f1ea", fillOpacity: 1, stroke: false, interactive: false };
    L.geoJSON(topojson.feature(topology, countries), { style: land, interactive: false }).addTo(this.map).bringToBack();
    const borders = topojson.mesh(topology, countries, (a, b) => a !== b);
    L.geoJSON(borders, { style: { color: "#9aa0a8", weight: 0.7, interactive: false }, interactive: false }).addTo(this.map);
  }

  async load(filters) {
    this.filters = filters;
    await this.reload();
  }

  viewBox() {
    const b = this.map.getBounds();
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    let west = b.getWest(), east = b.getEast();
    if (east - west >= 360) { west = -180; east = 180; }
    west = clamp(((west + 540) % 360) - 180, -180, 180);
    east = clamp(((east + 540) % 360) - 180, -180, 180);
    if (east < west) { west = -180; east = 180; } // a view across the date line: ask for every longitude
    return [west, clamp(b.getSouth(), -90, 90), east, clamp(b.getNorth(), -90, 90)].map((v) => v.toFixed(4)).join(",");
  }

  async reload() {
    const sequence = ++this.sequence;
    const data = await getJSON("/map", { ...this.filters, zoom: this.map.getZoom(), view: this.viewBox() });
    if (sequence !== this.sequence) return; // a later move asked again
    this.draw(data);
  }

  draw(data) {
    this.layer.clearLayers();
    for (const cell of data.cells) {
      (cell.kind === "cluster" ? this.cluster(cell) : this.marker(cell)).addTo(this.layer);
    }
    const unplaced = data.unplaced ? `; ${fmt.number(data.unplaced)} without a place are in the table only` : "";
    document.getElementById("map-count").textContent = `(${fmt.number(data.events)} in view${unplaced})`;
    this.map.getContainer().dataset.cells = String(data.cells.length);
  }

  marker(e) {
    const L = window.L;
    const size = Math.round(12 + Math.min(32, 4 * Math.sqrt(e.fatalities || 0)));
    const dot = el("span", { class: "dot" });
    dot.style.backgroundColor = typeColour(e.event_type);
    const icon = L.divIcon({ className: "event-marker", html: dot, iconSize: [size, size] });
    const marker = L.marker([e.latitude, e.longitude], { icon, title: e.summary, keyboard: true, riseOnHover: true });
    marker.on("add", () => {
      const node = marker.getElement();
      node.setAttribute("aria-label", e.summary);
      node.dataset.eventId = e.event_id;
    });
    marker.bindPopup(() => eventPopup(e));
    return marker;
  }

  cluster(cell) {
    const L = window.L;
    const size = Math.round(26 + Math.min(34, 6 * Math.log2(cell.events)));
    const badge = el("span", { class: "badge" }, fmt.number(cell.events));
    badge.style.borderColor = typeColour(cell.event_type);
    const icon = L.divIcon({ className: "cluster-marker", html: badge, iconSize: [size, size] });
    const label = `${fmt.number(cell.events)} events, ${fmt.number(cell.fatalities)} killed: ` +
      Object.entries(cell.by_type).map(([t, n]) => `${t} ${n}`).join(", ");
    const marker = L.marker([cell.latitude, cell.longitude], { icon, title: label, keyboard: true });
    marker.on("add", () => marker.getElement().setAttribute("aria-label", `${label}. Select to zoom in.`));
    marker.on("click", () => {
      const [w, s, e, n] = cell.box;
      if (this.map.getZoom() < MAX_ZOOM) this.map.fitBounds([[s, w], [n, e]], { maxZoom: MAX_ZOOM });
      else marker.bindPopup(clusterPopup(cell, label)).openPopup();
    });
    return marker;
  }
}

function eventPopup(e) {
  return el("div", { class: "popup" },
    el("p", { class: "popup-summary" }, e.summary),
    e.notes ? el("p", { class: "popup-notes" }, e.notes) : null,
    el("p", {}, `${e.independent_source_count ?? 0} independent source(s)`),
    recordLink("event", e.event_id, "Open the event and its evidence"),
  );
}

function clusterPopup(cell, label) {
  return el("div", { class: "popup" }, el("p", {}, label), el("p", {}, "Narrow the filters to list them in the table."));
}
