"""The judge: runs the instructor's test cells where student code cannot reach.

Names a test uses resolve, in order, to: what the test cells themselves defined, the
judge's own builtins (a student's ``len`` or ``AssertionError`` never shadows them),
then the student's namespace, fetched over the wire. Data arrives as fresh judge-side
objects; everything else becomes a :class:`Remote` handle whose comparisons are by
identity, so nothing the student defined decides an ``assert``.
"""

from __future__ import annotations

import builtins
import importlib
import inspect
import os
import sys

from . import wire
from .shell import RecordingShell


class StudentError(Exception):
    """An exception raised by student code that has no builtin equivalent here."""


class Oracle:
    """Sends requests to the student process (over the direct pipe, else through the
    parent) and decodes its replies as untrusted data."""

    def __init__(self, channel: wire.Channel, shell: RecordingShell, peer: wire.Channel | None = None):
        self.channel, self.shell, self.peer = channel, shell, peer
        self.notes: list[dict] = []
        self.nonce, self.count = os.urandom(8).hex(), 0
        self.waiting = False
        self.offline = False  # the parent stopped the student process: nobody will answer

    def _exchange(self, request: dict) -> dict:
        """One question to the student process. Over the direct pipe, answers carry the
        question's id: anything else (a late answer, junk the student wrote) is skipped."""
        if self.peer is None:
            self.channel.send({"op": "rpc", "request": request})
            reply = self.channel.recv()
            if reply.get("op") != "rpc_result":
                raise RuntimeError("student process did not answer")
            return reply
        if self.offline:
            raise RuntimeError("student process is not running")
        self.count += 1
        rid = f"{self.nonce}-{self.count}"
        self.waiting = True  # left set if the cell's deadline interrupts the wait
        self.peer.send({"op": "rpc", "id": rid, "request": request})
        while True:
            try:
                reply = self.peer.recv()
            except wire.ProtocolError:
                continue
            if reply.get("op") == "rpc_result" and reply.get("id") == rid:
                self.waiting = False
                return reply

    def request(self, op: str, **fields):
        reply = self._exchange({"op": op, **fields})
        reply = reply["reply"] if isinstance(reply.get("reply"), dict) else {}
        self.notes.extend(n for n in reply.get("notes", []) if isinstance(n, dict))
        for output in reply.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") in ("stdout", "stderr"):
                self.shell.outputs.stream(output["name"], str(output.get("text", "")))
        if reply.get("missing"):
            raise _Missing()
        if not reply.get("ok"):
            error = reply.get("error") or {}
            raise _exception(str(error.get("type", "")), str(error.get("message", "")))
        return wire.decode(reply["value"], self.handle)

    def handle(self, tagged: dict):
        kind, name = tagged.get("kind"), tagged.get("name")
        if kind == "module" and isinstance(name, str):
            try:
                module = importlib.import_module(name)
            except Exception:
                pass
            else:
                if getattr(module, "__file__", None) is None or not _in_workspace(module.__file__):
                    return module
        return Remote(self, int(tagged["id"]), kind, str(name))

    def encode(self, value):
        def ref(obj):
            if isinstance(obj, Remote):
                return {"$": "ref", "id": obj._id}
            raise TypeError(f"cannot pass {type(obj).__name__} to student code")
        return wire.encode(value, ref)


def _in_workspace(path: str) -> bool:
    """Modules found in the scratch space were written by a job, not installed."""
    return os.path.realpath(path).startswith((os.path.realpath(os.getcwd()), "/tmp/"))


def _exception(type_name: str, message: str) -> BaseException:
    cls = getattr(builtins, type_name, None)
    if isinstance(cls, type) and issubclass(cls, Exception) and cls is not StopIteration:
        try:
            return cls(message)
        except Exception:
            pass
    return StudentError(f"{type_name}: {message}")


class _Missing(Exception):
    pass


class Remote:
    """A handle on a student object: calls and attribute reads go over the wire."""

    __slots__ = ("_oracle", "_id", "_kind", "_name")

    def __init__(self, oracle: Oracle, ref_id: int, kind: str, name: str):
        object.__setattr__(self, "_oracle", oracle)
        object.__setattr__(self, "_id", ref_id)
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_name", name)

    def _ask(self, op, **fields):
        return self._oracle.request(op, id=self._id, **fields)

    def __call__(self, *args, **kwargs):
        o = self._oracle
        return self._ask("call", args=[o.encode(a) for a in args],
                         kwargs={str(k): o.encode(v) for k, v in kwargs.items()})

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__") and name not in ("__name__", "__doc__", "__qualname__"):
            raise AttributeError(name)
        return self._ask("getattr", name=name)

    def __setattr__(self, name, value):
        self._ask("setattr", name=name, value=self._oracle.encode(value))

    def __getitem__(self, key):
        return self._ask("getitem", key=self._oracle.encode(key))

    def __setitem__(self, key, value):
        self._ask("setitem", key=self._oracle.encode(key), value=self._oracle.encode(value))

    def __len__(self):
        n = self._ask("len")
        if type(n) is not int:
            raise TypeError("len() did not return an int")
        return n

    def __iter__(self):
        items = self._ask("list")
        return iter(items if type(items) is list else [])

    def __contains__(self, item):
        return self._ask("contains", item=self._oracle.encode(item)) is True

    def __str__(self):
        text = self._ask("str")
        return text if type(text) is str else ""

    def __repr__(self):
        text = self._ask("repr")
        return text if type(text) is str else f"<{self._name}>"

    def __eq__(self, other):
        return isinstance(other, Remote) and other._id == self._id

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(("remote", self._id))

    def __bool__(self):
        return True

    def __instancecheck__(self, obj):
        if not isinstance(obj, Remote):
            return False
        return self._oracle.request("isinstance", id=obj._id, cls=self._id) is True


class TestNamespace(dict):
    """The judge's globals: test-defined names, then builtins, then the student's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.oracle: Oracle | None = None
        self.mirrored: set[str] = set()
        self.handles: dict[str, object] = {}

    def __missing__(self, name):
        if self.oracle is None or hasattr(builtins, name):
            raise KeyError(name)
        if name in self.handles:
            return self.handles[name]
        try:
            value = self.oracle.request("lookup", name=name)
        except _Missing:
            raise KeyError(name) from None
        self.mirrored.add(name)
        if (isinstance(value, Remote) and value._kind in ("callable", "class", "module")) or inspect.ismodule(value):
            # A test calling a student function in a loop would otherwise fetch the name
            # on every pass. Handles (never data) are kept for one test cell.
            self.handles[name] = value
        return value

    def __setitem__(self, name, value):
        """A name that came from the student is written back there (as nbgrader's shared
        namespace would); everything else stays in the judge."""
        self.handles.pop(name, None)
        if name in self.mirrored and not dict.__contains__(self, name):
            try:
                encoded = self.oracle.encode(value)
            except TypeError:
                pass
            else:
                self.oracle.request("assign", name=name, value=encoded)
                return
        super().__setitem__(name, value)

    def __delitem__(self, name):
        self.handles.pop(name, None)
        if dict.__contains__(self, name):
            super().__delitem__(name)
            return
        if self.oracle is None:
            raise KeyError(name)
        try:
            self.oracle.request("delete", name=name)
        except _Missing:
            raise KeyError(name) from None
        self.mirrored.add(name)


def create_shell() -> RecordingShell:
    """A judge shell whose globals are a :class:`TestNamespace` (made before forking)."""
    return RecordingShell.create(user_ns=TestNamespace())


def serve(channel: wire.Channel, shell: RecordingShell, imports: list[str], cell_timeout: float,
          peer: wire.Channel | None = None) -> None:
    """Run test cells sent by the parent until it says the job is over."""
    oracle = Oracle(channel, shell, peer)
    shell.user_ns.oracle = oracle
    workspace = os.getcwd()
    sys.path[:] = [p for p in sys.path if p not in ("", ".", workspace)]
    for statement in imports:
        shell.run(statement)
    while True:
        message = channel.recv()
        if message.get("op") == "test":
            oracle.offline = message.get("runner_alive") is False
            shell.user_ns.handles.clear()
            outputs = shell.run(message["source"], timeout=cell_timeout)
            if oracle.waiting:  # the student process never answered: the parent must stop it
                oracle.notes.append({"reason": "timeout", "detail": "runner"})
                oracle.waiting = False
            channel.send({"op": "test_done", "outputs": outputs, "notes": oracle.notes})
            oracle.notes = []
        elif message.get("op") == "files":
            wire.write_files(workspace, message.get("files", {}))
        elif message.get("op") == "end":
            return
