/* Inlined in the lesson page's head, so the kernel socket opens (and, if the page did
 * not bring it, the widgets' state is asked for) while the widget bundle is still on its way (or being parsed):
 * on a 3G link that overlaps two of the page's slowest steps. The bundle adopts the
 * socket, the messages received so far and the control comm (kernel.js, manager.js). */
import { CONTROL_TARGET, CONTROL_VERSION, embeddedState, message, pageConfig, socketUrl, uuid } from "./message.js";

function open(config) {
  const session = uuid();
  const controlCommId = uuid();
  const socket = new WebSocket(socketUrl(config, session));
  socket.binaryType = "arraybuffer";
  const early = { socket, session, controlCommId, received: [] };
  const requestStates = () => {
    if (embeddedState()) {
      return; // the page brought the state itself
    }
    const send = (type, content, metadata) => socket.send(JSON.stringify(message(session, "shell", type, content, metadata)));
    send("comm_open", { comm_id: controlCommId, target_name: CONTROL_TARGET, data: {} }, { version: CONTROL_VERSION });
    send("comm_msg", { comm_id: controlCommId, data: { method: "request_states" } });
  };
  socket.addEventListener("open", () => {
    if (document.readyState !== "loading") {
      requestStates();
    } else {
      // The state, if the page has it, comes last: decide once the page is all here.
      document.addEventListener("readystatechange", requestStates, { once: true });
    }
  });
  socket.addEventListener("message", (event) => early.received && early.received.push(event.data));
  window.knsEarlyKernel = early;
}

/* This runs in the page's head, before the stylesheets (a script after a stylesheet waits
 * for it): watch the parser until the page config with the kernel id has arrived. */
function whenConfigArrives(start) {
  const tryStart = () => {
    let config;
    try {
      config = pageConfig();
    } catch (partial) {
      return false; // the config's text is still streaming in
    }
    if (config.kernelId) {
      start(config);
      return true;
    }
    return false;
  };
  if (tryStart()) {
    return;
  }
  const observer = new MutationObserver(() => tryStart() && observer.disconnect());
  observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
  document.addEventListener("DOMContentLoaded", () => observer.disconnect());
}

if (window.WebSocket && window.MutationObserver) {
  whenConfigArrives(open);
}
