// The review panel of an event's page: its review state and flags, and an analyst's actions (set a
// field with a reason, confirm, reject) through the API's review routes. The token ([api]
// review_token) is kept for this browser tab only; the analyst's name in this browser.
import { el } from "./api.js";

// the fields the panel offers to set (the CLI and the API take more)
const SETTABLE = [
  "fatalities", "event_date", "sub_event_type", "event_type", "actor1", "actor2", "location", "country",
  "admin1", "injuries", "notes",
];

async function postJSON(path, body, token) {
  const headers = { Accept: "application/json", "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    const err = answer.error || {};
    throw new Error(`${err.code || `HTTP${response.status}`}: ${err.message || response.statusText}`);
  }
  return answer;
}

function labelled(id, label, control) {
  return el("p", { class: "review-field" }, el("label", { for: id }, label), control);
}

/** The review section for an event (`ev` as /events/{id}/evidence gives it); `reload` redraws the page. */
export function reviewPanel(ev, reload) {
  const message = el("p", { id: "r-message", class: "review-message", role: "status", "aria-live": "polite" });
  const author = el("input", { id: "r-author", type: "text", autocomplete: "name", value: localStorage.getItem("wirewatch.author") || "" });
  const token = el("input", { id: "r-token", type: "password", autocomplete: "off", value: sessionStorage.getItem("wirewatch.token") || "" });
  const reason = el("input", { id: "r-reason", type: "text", size: 40 });
  const field = el("select", { id: "r-field" }, SETTABLE.map((name) => el("option", { value: name }, name)));
  const value = el("input", { id: "r-value", type: "text" });

  async function act(path, body) {
    localStorage.setItem("wirewatch.author", author.value.trim());
    sessionStorage.setItem("wirewatch.token", token.value);
    message.textContent = "Saving…";
    try {
      const done = await postJSON(path, { author: author.value.trim(), reason: reason.value.trim() || null, ...body }, token.value);
      await reload();
      const again = document.getElementById("r-message");
      if (again) again.textContent = `Saved: ${done.action} (correction ${done.correction_id}).`;
    } catch (err) {
      message.textContent = err.message;
    }
  }
  const base = `/events/${encodeURIComponent(ev.event_id)}`;
  const status = [ev.review_status ? `${ev.review_status}` : "not reviewed"];
  if ((ev.hand_set || []).length) status.push(`set by hand: ${ev.hand_set.join(", ")}`);
  return el("div", { class: "review-panel" },
    el("p", { id: "r-status" }, el("strong", {}, "Review: "), status.join("; ")),
    (ev.review_flags || []).length
      ? el("ul", { id: "r-flags", class: "review-flags" }, ev.review_flags.map((f) => el("li", {}, f))) : null,
    el("div", { class: "review-who" },
      labelled("r-author", "Your name", author), labelled("r-token", "Review token", token), labelled("r-reason", "Reason", reason)),
    el("div", { class: "review-set" },
      labelled("r-field", "Field", field), labelled("r-value", "New value", value),
      el("button", { id: "r-set", type: "button", onclick: () => act(`${base}/corrections`, { fields: { [field.value]: value.value } }) }, "Set field")),
    el("div", { class: "buttons" },
      el("button", { id: "r-confirm", type: "button", onclick: () => act(`${base}/confirm`, {}) }, "Confirm the event"),
      el("button", { id: "r-reject", type: "button", onclick: () => act(`${base}/reject`, {}) }, "Reject: not an event")),
    message,
  );
}
