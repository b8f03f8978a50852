/* The one kernel a lesson page talks to: a websocket, request/reply, and the comm
 * messages the widgets need. Nothing here can run code: the site refuses every message
 * but widget traffic and the few requests below. */
import { message, pageConfig, socketUrl, uuid } from "./message.js";
import { decode, encode } from "./wire.js";

export class Kernel {
  constructor() {
    this.session = uuid();
    this.callbacks = new Map(); // msg_id -> {shell, iopub} (the ipywidgets callback shape)
    this.replies = new Map(); // msg_id -> resolve
    this.comms = new Map(); // comm_id -> Comm
    this.unclaimed = new Map(); // comm_id -> comm messages that arrived before their Comm
    this.onCommOpen = null;
    this.onClose = null;
    this.socket = null;
    this.outbox = []; // messages sent before the socket opened (a click on a widget drawn from the page's state)
  }

  /* Adopt the socket the page opened early (early.js) or open one. */
  connect() {
    const early = window.knsEarlyKernel;
    const config = pageConfig();
    let socket;
    if (early && early.socket.readyState <= WebSocket.OPEN) {
      socket = early.socket;
      this.session = early.session;
    } else {
      socket = new WebSocket(socketUrl(config, this.session));
      socket.binaryType = "arraybuffer";
    }
    this.socket = socket;
    socket.addEventListener("message", (event) => this.receive(decode(event.data)));
    socket.addEventListener("open", () => this.flush());
    socket.addEventListener("close", () => this.onClose && this.onClose());
    if (early && early.socket === socket) {
      const received = early.received;
      early.received = null;
      received.forEach((data) => this.receive(decode(data)));
    }
    return new Promise((resolve, reject) => {
      if (socket.readyState === WebSocket.OPEN) {
        this.flush();
        resolve(this);
        return;
      }
      socket.addEventListener("open", () => resolve(this));
      socket.addEventListener("close", () => reject(new Error("kernel socket closed")));
    });
  }

  get isOpen() {
    return this.socket && this.socket.readyState === WebSocket.OPEN;
  }

  send(channel, msgType, content, { metadata = {}, buffers = [], callbacks } = {}) {
    const msg = message(this.session, channel, msgType, content, metadata, buffers);
    if (callbacks) {
      this.callbacks.set(msg.header.msg_id, callbacks);
    }
    this.outbox.push(encode(msg));
    this.flush();
    return msg.header.msg_id;
  }

  flush() {
    while (this.isOpen && this.outbox.length) {
      this.socket.send(this.outbox.shift());
    }
  }

  request(msgType, content) {
    return new Promise((resolve) => {
      const msgId = this.send("shell", msgType, content);
      this.replies.set(msgId, resolve);
    });
  }

  receive(msg) {
    const parent = (msg.parent_header && msg.parent_header.msg_id) || "";
    const type = msg.header.msg_type;
    if (msg.channel === "shell" && this.replies.has(parent)) {
      this.replies.get(parent)(msg);
      this.replies.delete(parent);
    }
    if (msg.channel === "iopub") {
      this.route(type, msg);
    }
    const callbacks = this.callbacks.get(parent);
    if (callbacks) {
      const handler = msg.channel === "shell" ? callbacks.shell && callbacks.shell.reply
        : callbacks.iopub && callbacks.iopub[type];
      if (handler) {
        handler(msg);
      }
      if (msg.channel === "iopub" && type === "status" && msg.content.execution_state === "idle") {
        this.callbacks.delete(parent);
      }
    }
  }

  route(type, msg) {
    const commId = msg.content.comm_id;
    if (type === "comm_open" && this.onCommOpen) {
      this.onCommOpen(msg);
    } else if (type === "comm_msg" || type === "comm_close") {
      const comm = this.comms.get(commId);
      if (comm) {
        comm.handle(type, msg);
      } else {
        this.unclaimed.set(commId, [...(this.unclaimed.get(commId) || []), [type, msg]]);
      }
    }
  }

  /* A Comm registers here; messages that came before it are handed over now. */
  register(comm) {
    this.comms.set(comm.comm_id, comm);
    const waiting = this.unclaimed.get(comm.comm_id) || [];
    this.unclaimed.delete(comm.comm_id);
    return waiting;
  }

  dispose() {
    this.onClose = null;
    if (this.socket) {
      this.socket.close();
    }
  }
}
