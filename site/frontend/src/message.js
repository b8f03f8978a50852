/* Jupyter messages as the page builds them (protocol 5.3), and the addresses it uses. */

export const PROTOCOL_VERSION = "5.3";
export const CONTROL_TARGET = "jupyter.widget.control";
export const CONTROL_VERSION = "1.0.0";
export const STATE_MIME = "application/vnd.kynangso.widget-state+json";

/* The widgets' state the server wrote into the page (kynangso/site/embedded_state.py). */
export function embeddedState() {
  const el = document.querySelector(`script[type="${STATE_MIME}"]`);
  const state = el ? JSON.parse(el.textContent) : null;
  return state && state.states ? state : null; // {} when the state has binary parts
}

export function uuid() {
  if (window.crypto && crypto.randomUUID) {
    return crypto.randomUUID().replace(/-/g, "");
  }
  return Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join("");
}

export function message(session, channel, msgType, content, metadata = {}, buffers = []) {
  return {
    header: {
      msg_id: uuid(), msg_type: msgType, session, username: "",
      date: new Date().toISOString(), version: PROTOCOL_VERSION,
    },
    parent_header: {}, metadata, content, buffers, channel,
  };
}

export function pageConfig() {
  const el = document.getElementById("jupyter-config-data");
  return el ? JSON.parse(el.textContent) : {};
}

export function socketUrl(config, session) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const base = config.baseUrl || "/";
  return `${scheme}//${location.host}${base}api/kernels/${config.kernelId}/channels?session_id=${session}`;
}
