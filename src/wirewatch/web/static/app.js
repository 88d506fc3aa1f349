// Entry point: pick the page from the address (/ or /event/ID, /article/ID, /story/ID) and draw it.
import { getJSON, showProblem } from "./api.js";

const PAGES = {
  event: () => import("./pages.js").then((m) => m.eventPage),
  article: () => import("./pages.js").then((m) => m.articlePage),
  story: () => import("./pages.js").then((m) => m.storyPage),
};

async function start() {
  const [, kind, id] = window.location.pathname.split("/");
  try {
    if (kind && PAGES[kind] && id) {
      const draw = await PAGES[kind]();
      await draw(decodeURIComponent(id), document.getElementById("detail"));
      return;
    }
    const settings = await getJSON("/dashboard/settings");
    if (settings.missing && settings.missing.length) {
      showProblem(
        "The dashboard's map and chart files are not built (" + settings.missing.join(", ") +
        "): run `make install` (it runs `npm ci` and scripts/build_web.py). The table still works.",
      );
    }
    const { startDashboard } = await import("./dashboard.js");
    await startDashboard(settings);
  } catch (err) {
    showProblem(err.code ? `${err.code}: ${err.message}` : `Something went wrong: ${err.message}`);
    throw err;
  }
}

start();
