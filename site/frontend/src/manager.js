/* The widget manager of a lesson page: ipywidgets' own ManagerBase, with the standard
 * controls compiled in (lessons use no other widget library) and one kernel. */
import * as base from "@jupyter-widgets/base";
import { ManagerBase } from "@jupyter-widgets/base-manager";
import * as controls from "@jupyter-widgets/controls";
import { Widget } from "@lumino/widgets";

import { Comm } from "./comm.js";
import { CONTROL_TARGET, uuid } from "./message.js";

const MODULES = {
  "@jupyter-widgets/base": base,
  "@jupyter-widgets/controls": controls,
};

/* Answers the control comm's one question ("request_states") from the state the page
 * brought, so the widgets are built before the kernel has said a word. */
class EmbeddedControlComm {
  constructor(state) {
    this.state = state;
    this.comm_id = uuid();
    this.target_name = CONTROL_TARGET;
    this.onMsg = null;
  }

  on_msg(callback) {
    this.onMsg = callback;
  }

  on_close() {}

  open() {
    return "";
  }

  close() {
    return "";
  }

  send(data) {
    if (data && data.method === "request_states") {
      const reply = { content: { data: { method: "update_states", ...this.state } }, buffers: [] };
      Promise.resolve().then(() => this.onMsg(reply));
    }
    return "";
  }
}

export class LessonWidgetManager extends ManagerBase {
  constructor(kernel, embeddedState) {
    super();
    this.kernel = kernel;
    this.embeddedState = embeddedState;
    kernel.onCommOpen = (msg) => this.commOpened(msg);
  }

  async loadClass(className, moduleName) {
    const module = MODULES[moduleName];
    if (!module || !module[className]) {
      throw new Error(`widget class ${moduleName}.${className} is not in the lesson bundle`);
    }
    return module[className];
  }

  async _create_comm(targetName, modelId, data, metadata, buffers) {
    if (targetName === CONTROL_TARGET && this.embeddedState) {
      const comm = new EmbeddedControlComm(this.embeddedState);
      this.embeddedState = null;
      return comm;
    }
    const early = window.knsEarlyKernel;
    if (targetName === CONTROL_TARGET && early && early.socket === this.kernel.socket && !early.claimed) {
      // early.js has opened the control comm and asked for the states already.
      early.claimed = true;
      const comm = new Comm(this.kernel, targetName, early.controlCommId);
      comm.skipNext = "request_states";
      return comm;
    }
    const comm = new Comm(this.kernel, targetName, modelId || uuid());
    if (data || metadata) {
      comm.open(data, undefined, metadata, buffers);
    }
    return comm;
  }

  async _get_comm_info() {
    const reply = await this.kernel.request("comm_info_request", { target_name: this.comm_target_name });
    return reply.content.comms || {};
  }

  commOpened(msg) {
    const { comm_id: commId, target_name: targetName } = msg.content;
    if (targetName === this.comm_target_name) {
      this.handle_comm_open(new Comm(this.kernel, targetName, commId), msg);
    }
  }

  /* Every widget's state: from the page if it brought it, else from the kernel (one
   * request on the control comm). */
  load() {
    return this._loadFromKernel();
  }

  async render(modelId, host) {
    const model = await this.get_model(modelId);
    const view = await this.create_view(model);
    Widget.attach(view.luminoWidget, host);
    return view;
  }
}
