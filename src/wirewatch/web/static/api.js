// Shared helpers: reading the JSON API, building DOM nodes (text only: data never becomes HTML),
// safe links and the colours of event types.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** GET a JSON API path with query parameters (empty ones left out). */
export async function getJSON(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && String(value) !== "") query.set(key, value);
  }
  const url = query.toString() ? `${path}?${query}` : path;
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const err = body.error || {};
    throw new ApiError(response.status, err.code || `HTTP${response.status}`, err.message || response.statusText);
  }
  return body;
}

/**
 * el("a", {href: "/x", class: "y"}, "text", otherNode): an element whose children are text nodes
 * (strings) or nodes. Attributes are set one by one; there is no way to pass HTML.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  append(node, ...children);
  return node;
}

export function append(node, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An http(s) address as it is, anything else (javascript:, data:, relative tricks) as null. */
export function safeHref(url) {
  if (typeof url !== "string") return null;
  try {
    const parsed = new URL(url, window.location.origin);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/** A link to an outside page when the address is http(s); the address as plain text otherwise. */
export function outsideLink(url, label) {
  const href = safeHref(url);
  if (!href) return el("span", { class: "unlinked-url" }, url || "");
  return el("a", { href, rel: "noopener noreferrer nofollow", target: "_blank" }, label || url);
}

export const recordLink = (kind, id, label) => el("a", { href: `/${kind}/${encodeURIComponent(id)}` }, label ?? id);

// Okabe-Ito colours (told apart with most colour-vision deficiencies), one per ACLED event type
export const TYPE_COLOURS = {
  "Battles": "#D55E00",
  "Explosions/Remote violence": "#E69F00",
  "Violence against civilians": "#CC79A7",
  "Protests": "#0072B2",
  "Riots": "#009E73",
  "Strategic developments": "#56B4E9",
};
export const typeColour = (type) => TYPE_COLOURS[type] || "#777777";

export function placeLine(e) {
  const parts = [e.location, e.admin1, e.country].filter(Boolean);
  return [...new Set(parts)].join(", ") || "place unknown";
}

export function showProblem(message) {
  const box = document.getElementById("problem");
  box.textContent = message;
  box.hidden = !message;
}

export function announce(message) {
  let live = document.getElementById("announcer");
  if (!live) {
    live = el("div", { id: "announcer", class: "visually-hidden", role: "status", "aria-live": "polite" });
    document.body.append(live);
  }
  live.textContent = message;
}

export const fmt = {
  number: (n) => (n === null || n === undefined ? "–" : Number(n).toLocaleString("en")),
  value: (v) => (v === null || v === undefined || v === "" ? "–" : typeof v === "object" ? JSON.stringify(v) : String(v)),
  confidence: (c) => (c === null || c === undefined ? "–" : Number(c).toFixed(2)),
};
