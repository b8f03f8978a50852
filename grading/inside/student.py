"""The student side of a job: runs the submission's own cells and answers the judge.

This process is untrusted by design: everything in it, this module included, may have
been rewritten by the student's code by the time a request arrives. It is treated as an
oracle of the student's namespace and nothing more: its answers are data, and the
verdicts are computed elsewhere.
"""

from __future__ import annotations

import itertools
import os
import sys
import types

from . import wire
from .shell import Outputs, RecordingShell


class Namespace:
    """The student's namespace, plus a table of objects the judge holds references to."""

    def __init__(self, shell: RecordingShell):
        self.shell = shell
        self.refs: dict[int, object] = {}
        self._ids = itertools.count(1)
        self.notes: list[dict] = []

    def ref(self, obj) -> dict:
        """An opaque reference for a value that is not data."""
        ref_id = next(self._ids)
        self.refs[ref_id] = obj
        if isinstance(obj, types.ModuleType):
            kind = "module"
        elif isinstance(obj, type):
            kind = "class"
        elif callable(obj):
            kind = "callable"
        else:
            kind = "object"
            self._note_suspicious(obj)
        name = getattr(obj, "__name__", None)
        return {"$": "ref", "id": ref_id, "kind": kind,
                "name": name if isinstance(name, str) else type(obj).__name__}

    def _note_suspicious(self, obj) -> None:
        cls = type(obj)
        overrides = [m for m in ("__eq__", "__ne__", "__bool__", "__hash__") if m in vars(cls)]
        if overrides and getattr(cls, "__module__", "") in ("__main__", "builtins"):
            self.notes.append({"reason": "custom_eq", "detail": f"{cls.__name__}.{overrides[0]}"})

    def encode(self, value):
        return wire.encode(value, self.ref)

    def decode(self, value):
        return wire.decode(value, lambda tagged: self.refs[tagged["id"]])

    def answer(self, request: dict) -> dict:
        """One judge request, answered with data, a reference or an exception."""
        op = request.get("op")
        outputs = Outputs(limit=64 * 1024)
        self.shell.outputs = outputs
        saved = sys.stdout, sys.stderr
        from .shell import _Stream

        sys.stdout, sys.stderr = _Stream(self.shell, "stdout"), _Stream(self.shell, "stderr")
        try:
            value = self._perform(op, request)
            reply = {"ok": True, "value": self.encode(value)}
        except _Missing:
            reply = {"ok": False, "missing": True}
        except BaseException as error:  # the student's exception, reported as data
            reply = {"ok": False, "error": {"type": type(error).__name__, "message": str(error)[:2000]}}
        finally:
            sys.stdout, sys.stderr = saved
        reply["outputs"] = outputs.items
        return reply

    def _perform(self, op, request):
        ns = self.shell.user_ns
        if op == "lookup":
            name = request["name"]
            if name not in ns:
                raise _Missing()
            return ns[name]
        if op == "assign":
            ns[request["name"]] = self.decode(request["value"])
            return None
        if op == "delete":
            if request["name"] not in ns:
                raise _Missing()
            del ns[request["name"]]
            return None
        target = self.refs[request["id"]]
        if op == "call":
            args = [self.decode(a) for a in request.get("args", [])]
            kwargs = {k: self.decode(v) for k, v in request.get("kwargs", {}).items()}
            return target(*args, **kwargs)
        if op == "getattr":
            return getattr(target, request["name"])
        if op == "setattr":
            setattr(target, request["name"], self.decode(request["value"]))
            return None
        if op == "getitem":
            return target[self.decode(request["key"])]
        if op == "setitem":
            target[self.decode(request["key"])] = self.decode(request["value"])
            return None
        if op == "len":
            return int(len(target))
        if op == "list":
            return list(target)[:100000]
        if op == "contains":
            return bool(self.decode(request["item"]) in target)
        if op == "str":
            return str(str(target))[:100000]
        if op == "repr":
            return str(repr(target))[:100000]
        if op == "isinstance":
            return bool(isinstance(target, self.refs[request["cls"]]))
        raise ValueError(f"unknown request {op!r}")


class _Missing(Exception):
    pass


def integrity(shell: RecordingShell) -> dict:
    """What student code must not change in the shell; compared after every cell."""
    import builtins

    return {
        "transformers": (len(shell.input_transformers_cleanup), len(shell.input_transformers_post),
                         len(shell.ast_transformers)),
        "builtins": {k: id(v) for k, v in vars(builtins).items()},
    }


def changed_integrity(before: dict, after: dict) -> list[dict]:
    notes = []
    if before["transformers"] != after["transformers"]:
        notes.append({"reason": "input_transformer"})
    changed = sorted(k for k, v in before["builtins"].items() if after["builtins"].get(k) != v
                     and not k.startswith("_"))
    if changed:
        notes.append({"reason": "builtins", "detail": ", ".join(changed[:5])})
    return notes


def serve(channel: wire.Channel, shell: RecordingShell, workspace: str, cell_timeout: float,
          peer: wire.Channel | None = None) -> None:
    """Answer the parent (cells, files) and the judge (questions about the namespace,
    over a direct pipe) until the parent says the job is over."""
    namespace = Namespace(shell)
    baseline = integrity(shell)
    manifest = snapshot_manifest(workspace)
    channels = [channel] + ([peer] if peer is not None else [])
    while True:
        try:
            source, message = wire.next_message(channels)
        except wire.ProtocolError:
            continue
        op = message.get("op")
        if op == "rpc":
            reply = namespace.answer(message.get("request") or {})
            reply["notes"], namespace.notes = namespace.notes, []
            source.send({"op": "rpc_result", "id": message.get("id"), "reply": reply})
            continue
        if source is not channel:
            continue
        if op == "cell":
            outputs = shell.run(message["source"], timeout=cell_timeout)
            notes = changed_integrity(baseline, integrity(shell))
            channel.send({"op": "cell_done", "outputs": outputs, "notes": notes + namespace.notes})
            namespace.notes = []
        elif op == "files":
            channel.send({"op": "files", "files": changed_files(workspace, manifest)})
        elif op == "end":
            return


def snapshot_manifest(root: str) -> dict[str, tuple[int, int]]:
    manifest = {}
    for path in _walk(root):
        st = os.lstat(path)
        manifest[os.path.relpath(path, root)] = (st.st_size, st.st_mtime_ns)
    return manifest


def changed_files(root: str, manifest: dict, limit: int = 16 << 20) -> dict[str, str]:
    """New or changed regular files in the workspace, base64, up to ``limit`` bytes."""
    import base64

    files, total = {}, 0
    for path in _walk(root):
        rel = os.path.relpath(path, root)
        st = os.lstat(path)
        if manifest.get(rel) == (st.st_size, st.st_mtime_ns) or total + st.st_size > limit:
            continue
        with open(path, "rb") as fh:
            data = fh.read(limit - total)
        total += len(data)
        files[rel] = base64.b64encode(data).decode()
    return files


def _walk(root: str):
    import stat

    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".ipynb_checkpoints")]
        for name in filenames:
            path = os.path.join(dirpath, name)
            try:
                if stat.S_ISREG(os.lstat(path).st_mode):
                    yield path
            except OSError:
                continue
