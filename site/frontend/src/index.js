/* Kỹ Năng Số lesson page front end: build the widgets from the state the page carries
 * (or, failing that, ask the kernel), render each where the server left its slot, and
 * connect them to this page's kernel.
 *
 * It replaces Voila's JupyterLab-based front end (about 1 MB and 75 requests on a first
 * visit): the page is rendered on the server, so the phone only needs the widgets. */
import "@jupyter-widgets/controls/css/widgets.css";
import "@jupyter-widgets/base/css/index.css";

import { Kernel } from "./kernel.js";
import { LessonWidgetManager } from "./manager.js";
import { embeddedState, pageConfig } from "./message.js";

const VIEW = "application/vnd.jupyter.widget-view+json";

/* Leaving frees the kernel at once (the XSRF cookie proves the beacon comes from the page). */
function shutdownOnLeave(baseUrl, kernelId, kernel) {
  window.addEventListener("pagehide", () => {
    const form = new FormData();
    const match = document.cookie.match("\\b_xsrf=([^;]*)\\b");
    form.append("_xsrf", (match && match[1]) || "");
    navigator.sendBeacon(`${baseUrl}voila/api/shutdown/${kernelId}`, form);
    kernel.dispose();
  });
}

/* The kernel is gone (culled, server restarted, network lost): say so, offer a reload. */
function showDisconnected() {
  document.body.dataset.knsKernel = "closed";
  const banner = document.getElementById("kns-offline");
  if (banner) {
    banner.hidden = false;
  }
}

/* The server leaves each widget as a slot: its view spec in a script, and a status line. */
function slots() {
  return Array.from(document.querySelectorAll(".kns-widget-slot")).map((slot) => {
    const spec = slot.querySelector(`script[type="${VIEW}"]`);
    return { slot, modelId: spec && JSON.parse(spec.textContent).model_id };
  });
}

function showFailure(slot) {
  const status = slot.querySelector(".kns-widget-status");
  if (status) {
    status.textContent = slot.dataset.error || "";
    status.setAttribute("role", "alert");
  }
}

async function fill({ slot, modelId }, manager) {
  try {
    await manager.render(modelId, slot);
    slot.querySelectorAll(`script[type="${VIEW}"], .kns-widget-status`).forEach((el) => el.remove());
  } catch (error) {
    console.warn("widget not rendered", modelId, error);
    showFailure(slot);
  }
}

async function start() {
  const config = pageConfig();
  const baseUrl = config.baseUrl || "/";
  if (!config.kernelId) {
    return;
  }
  const kernel = new Kernel();
  shutdownOnLeave(baseUrl, config.kernelId, kernel);
  kernel.onClose = showDisconnected;
  const opened = kernel.connect();
  // For tests and the benchmark: a click is handled once the kernel's socket is open.
  opened.then(() => { document.body.dataset.knsKernel = "open"; }, () => {});
  const state = embeddedState();
  const manager = new LessonWidgetManager(kernel, state);
  if (!state) {
    await opened; // the state has to come from the kernel
  } else {
    opened.catch(showDisconnected); // widgets are drawn now; clicks wait for the socket
  }
  await manager.load();
  await Promise.all(slots().map((slot) => fill(slot, manager)));
  document.body.dataset.knsWidgets = "ready";
}

start().catch((error) => {
  console.warn("lesson widgets unavailable", error);
  slots().forEach(({ slot }) => showFailure(slot));
  document.body.dataset.knsWidgets = "failed";
});
