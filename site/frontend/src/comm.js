/* A widget's comm: the IClassicComm interface @jupyter-widgets/base expects. */

export class Comm {
  constructor(kernel, targetName, commId) {
    this.kernel = kernel;
    this.target_name = targetName;
    this.comm_id = commId;
    this.onMsg = null;
    this.onClose = null;
    this.waiting = kernel.register(this);
    this.skipNext = null; // a request the page already sent for this comm (early.js)
  }

  open(data, callbacks, metadata, buffers) {
    return this.kernel.send("shell", "comm_open", {
      comm_id: this.comm_id, target_name: this.target_name, data: data || {},
    }, { metadata, buffers, callbacks });
  }

  send(data, callbacks, metadata, buffers) {
    if (this.skipNext && data && data.method === this.skipNext) {
      this.skipNext = null;
      return "";
    }
    return this.kernel.send("shell", "comm_msg", { comm_id: this.comm_id, data },
      { metadata, buffers, callbacks });
  }

  close(data, callbacks, metadata, buffers) {
    this.kernel.comms.delete(this.comm_id);
    return this.kernel.send("shell", "comm_close", { comm_id: this.comm_id, data: data || {} },
      { metadata, buffers, callbacks });
  }

  on_msg(callback) {
    this.onMsg = callback;
    this.flush();
  }

  on_close(callback) {
    this.onClose = callback;
    this.flush();
  }

  /* Deliver what arrived before anyone listened (the early state reply, say). */
  flush() {
    const waiting = this.waiting;
    this.waiting = [];
    waiting.forEach(([type, msg]) => this.handle(type, msg));
  }

  handle(type, msg) {
    const listener = type === "comm_msg" ? this.onMsg : this.onClose;
    if (!listener) {
      this.waiting.push([type, msg]);
      return;
    }
    if (type === "comm_close") {
      this.kernel.comms.delete(this.comm_id);
    }
    listener(msg);
  }
}
