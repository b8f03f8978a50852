/* Jupyter messages on the kernel websocket, in jupyter_server's default ("legacy")
 * format: JSON text frames, or one binary frame when a message carries buffers
 * (a big-endian count, big-endian offsets, the JSON, then each buffer). */

export function encode(msg) {
  const buffers = msg.buffers || [];
  if (!buffers.length) {
    return JSON.stringify(msg);
  }
  const json = new TextEncoder().encode(JSON.stringify({ ...msg, buffers: [] }));
  const parts = [json, ...buffers.map(asBytes)];
  const head = 4 * (parts.length + 1);
  const size = parts.reduce((sum, part) => sum + part.byteLength, head);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, parts.length);
  let offset = head;
  parts.forEach((part, i) => {
    view.setUint32(4 * (i + 1), offset);
    out.set(part, offset);
    offset += part.byteLength;
  });
  return out.buffer;
}

export function decode(data) {
  if (typeof data === "string") {
    return JSON.parse(data);
  }
  const view = new DataView(data);
  const count = view.getUint32(0);
  const offsets = [];
  for (let i = 0; i < count; i++) {
    offsets.push(view.getUint32(4 * (i + 1)));
  }
  offsets.push(data.byteLength);
  const parts = offsets.slice(0, -1).map((start, i) => new DataView(data.slice(start, offsets[i + 1])));
  const msg = JSON.parse(new TextDecoder().decode(parts[0]));
  msg.buffers = parts.slice(1);
  return msg;
}

function asBytes(buffer) {
  if (buffer instanceof ArrayBuffer) {
    return new Uint8Array(buffer);
  }
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
