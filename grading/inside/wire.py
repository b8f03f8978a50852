"""Framing and the plain-data codec for everything that crosses a process boundary.

Messages are single JSON lines. Values are JSON too: numbers, strings, lists and None
travel as themselves; dicts, tuples, sets, numpy and pandas data travel as tagged
dicts (``{"$": kind, ...}``) that the decoder rebuilds from scratch. Nothing is
pickled, so no object of the sender's choosing (an always-equal ``__eq__``, a fake
``bool``) can ever materialise on the receiving side. Objects that are not data travel
as opaque references (``{"$": "ref", ...}``) and are handled by the caller.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import enum
import json
import math
import os
import select
import time

MAX_LINE = 64 * 1024 * 1024


class ChannelClosed(Exception):
    """The other end went away."""


class ChannelTimeout(Exception):
    """No complete message arrived before the deadline."""


class ProtocolError(Exception):
    """The other end sent something that is not a message."""


class Channel:
    """JSON-lines over a pair of file descriptors, with deadlines and a size cap."""

    def __init__(self, read_fd: int, write_fd: int, max_line: int = MAX_LINE):
        self.read_fd, self.write_fd, self.max_line = read_fd, write_fd, max_line
        self.pending = bytearray()

    def send(self, message: dict) -> None:
        data = json.dumps(message, ensure_ascii=False, allow_nan=False).encode() + b"\n"
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.write_fd, view):]
        except (BrokenPipeError, OSError) as error:
            raise ChannelClosed(str(error)) from error

    def recv(self, deadline: float | None = None, watch_fd: int | None = None) -> dict:
        """The next message. If ``watch_fd`` becomes readable while nothing is pending on
        ours, the other end is gone: raise ChannelClosed instead of waiting on."""
        while True:
            newline = self.pending.find(b"\n")
            if newline >= 0:
                line = bytes(self.pending[:newline])
                del self.pending[: newline + 1]
                try:
                    message = json.loads(line)
                except ValueError as error:
                    raise ProtocolError("not JSON") from error
                if not isinstance(message, dict):
                    raise ProtocolError("not an object")
                return message
            if len(self.pending) > self.max_line:
                raise ProtocolError("message too large")
            if deadline is not None or watch_fd is not None:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise ChannelTimeout()
                fds = [self.read_fd] + ([watch_fd] if watch_fd is not None else [])
                ready, _, _ = select.select(fds, [], [], remaining)
                if not ready:
                    raise ChannelTimeout()
                if self.read_fd not in ready:
                    raise ChannelClosed("job ended")
            self.read_chunk()

    def read_chunk(self) -> None:
        """Append what our descriptor holds (waiting for at least a byte); ChannelClosed at its end."""
        try:
            chunk = os.read(self.read_fd, 1 << 20)
        except OSError as error:
            raise ChannelClosed(str(error)) from error
        if not chunk:
            raise ChannelClosed("end of stream")
        self.pending += chunk

    def drain(self) -> None:
        """Throw away whatever is buffered or waiting (used between jobs)."""
        self.pending.clear()
        while select.select([self.read_fd], [], [], 0)[0]:
            try:
                if not os.read(self.read_fd, 1 << 20):
                    return
            except OSError:
                return


def next_message(channels: list[Channel]) -> tuple[Channel, dict]:
    """The next complete message from whichever channel has one first (no deadline)."""
    while True:
        for channel in channels:
            if b"\n" in channel.pending:
                return channel, channel.recv()
        ready, _, _ = select.select([c.read_fd for c in channels], [], [])
        for channel in channels:
            if channel.read_fd in ready:
                channel.read_chunk()
                if len(channel.pending) > channel.max_line and b"\n" not in channel.pending:
                    channel.pending.clear()
                    raise ProtocolError("message too large")


# ---------------------------------------------------------------------------- codec

def _float(x: float):
    return x if math.isfinite(x) else {"$": "float", "v": repr(x)}


def encode(value, ref=None, depth: int = 0):
    """Plain data for ``value``; ``ref(obj)`` encodes whatever is not data (or raises)."""
    if depth > 100:
        raise ValueError("value nested too deeply")
    d = depth + 1
    t = type(value)
    if value is None or t is bool or t is int or t is str:
        return value
    if t is float:
        return _float(value)
    if t is list:
        return [encode(v, ref, d) for v in value]
    if t is tuple:
        return {"$": "tuple", "v": [encode(v, ref, d) for v in value]}
    if t is dict:
        return {"$": "dict", "v": [[encode(k, ref, d), encode(v, ref, d)] for k, v in value.items()]}
    if t in (set, frozenset):
        return {"$": t.__name__, "v": [encode(v, ref, d) for v in value]}
    if t is bytes:
        return {"$": "bytes", "v": base64.b64encode(value).decode()}
    if t is complex:
        return {"$": "complex", "v": [_float(value.real), _float(value.imag)]}
    if t is decimal.Decimal:
        return {"$": "decimal", "v": str(value)}
    if t is dt.datetime:
        return {"$": "datetime", "v": value.isoformat()}
    if t is dt.date:
        return {"$": "date", "v": value.isoformat()}
    if t is dt.timedelta:
        return {"$": "timedelta", "v": [value.days, value.seconds, value.microseconds]}
    module = getattr(t, "__module__", "") or ""
    if module.startswith(("pandas", "numpy")):
        encoded = _encode_scientific(value, ref, d)
        if encoded is not None:
            return encoded
    if module.startswith("cryptography."):
        encoded = _encode_certificate(value)
        if encoded is not None:
            return encoded
    name = _member_name(value, t, module)
    if name is not None:
        # A library's enum member (say ``Encoding.DER``) travels by name, so a test can
        # pass one to student code; the receiver rebuilds it only from its own modules.
        return {"$": "enum", "module": module, "cls": t.__qualname__, "name": name,
                "ref": _try_ref(ref, value)}
    if ref is None:
        raise TypeError(f"not plain data: {t.__name__}")
    return ref(value)


def _encode_certificate(value):
    """An X.509 certificate is data (its DER bytes): the receiver rebuilds its own
    object, so a test can hand a student's certificate to a trusted verifier."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    if isinstance(value, x509.Certificate):
        return {"$": "x509", "v": base64.b64encode(value.public_bytes(Encoding.DER)).decode()}
    return None


def _member_name(value, cls, module: str) -> str | None:
    """The attribute of its own class that ``value`` is, for enums and enum-like
    constants of installed libraries (``enum.Enum`` or a compiled extension's)."""
    if module in ("__main__", "builtins") or not module or module.startswith("_"):
        return None
    if isinstance(value, enum.Enum):
        return str(value.name)
    try:
        members = vars(cls)
    except TypeError:
        return None
    if len(members) > 200:
        return None
    for key, member in members.items():
        if member is value and isinstance(key, str) and not key.startswith("_"):
            return key
    return None


def _try_ref(ref, value):
    try:
        return None if ref is None else ref(value)
    except TypeError:  # the judge never hands out references to its own objects
        return None


def _decode_enum(value, deref):
    """The member of an enum class this side already imported; else the sender's object."""
    import sys

    target = sys.modules.get(str(value.get("module")))
    for part in str(value.get("cls", "")).split("."):
        target = getattr(target, part, None) if target is not None else None
    if isinstance(target, type) and not str(value.get("name", "_")).startswith("_"):
        members = target.__members__ if issubclass(target, enum.Enum) else vars(target)
        member = members.get(str(value.get("name")))
        if isinstance(member, target):
            return member
    if isinstance(value.get("ref"), dict) and deref is not None:
        return deref(value["ref"])
    raise ValueError("unknown enum member")


def _encode_scientific(value, ref, depth):
    import numpy as np
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        return {
            "$": "df",
            "columns": _encode_index(value.columns, ref, depth),
            "index": _encode_index(value.index, ref, depth),
            "data": [_encode_array(value.iloc[:, i], ref, depth) for i in range(value.shape[1])],
        }
    if isinstance(value, pd.Series):
        return {"$": "series", "name": encode(value.name, ref, depth),
                "index": _encode_index(value.index, ref, depth), "data": _encode_array(value, ref, depth)}
    if isinstance(value, pd.Index):
        return {"$": "index", "v": _encode_index(value, ref, depth)}
    if isinstance(value, pd.Timestamp):
        return {"$": "timestamp", "v": None if value is pd.NaT else value.isoformat()}
    if value is pd.NaT:
        return {"$": "nat"}
    if value is pd.NA:
        return {"$": "na"}
    if isinstance(value, pd.Timedelta):
        return {"$": "pdtimedelta", "v": int(value.value)}
    if isinstance(value, np.ndarray):
        return {"$": "ndarray", "dtype": str(value.dtype), "shape": list(value.shape),
                "v": [encode(v, ref, depth) for v in value.ravel().tolist()]}
    if isinstance(value, np.generic):
        return {"$": "np", "dtype": str(value.dtype), "v": encode(value.item(), ref, depth)}
    return None


def _encode_array(series, ref, depth):
    dtype = str(series.dtype)
    kind = series.dtype.kind
    if kind == "M":
        values = [None if v is None else v for v in series.astype("int64").tolist()]
        mask = series.isna().tolist()
        return {"dtype": dtype, "ns": [None if m else v for v, m in zip(values, mask)]}
    if dtype == "category":
        return {"dtype": "category", "v": [encode(v, ref, depth) for v in series.astype(object).tolist()],
                "categories": [encode(v, ref, depth) for v in series.cat.categories.tolist()],
                "ordered": bool(series.cat.ordered)}
    return {"dtype": dtype, "v": [encode(v, ref, depth) for v in series.astype(object).tolist()]}


def _encode_index(index, ref, depth):
    import pandas as pd

    if isinstance(index, pd.RangeIndex):
        return {"range": [index.start, index.stop, index.step], "name": encode(index.name, ref, depth)}
    if isinstance(index, pd.MultiIndex):
        return {"tuples": [encode(tuple(t), ref, depth) for t in index.tolist()],
                "names": [encode(n, ref, depth) for n in index.names]}
    return {"array": _encode_array(pd.Series(index), ref, depth), "name": encode(index.name, ref, depth)}


def decode(value, deref=None):
    """Rebuild a value produced by :func:`encode`; ``deref(tagged)`` handles references."""
    if isinstance(value, list):
        return [decode(v, deref) for v in value]
    if not isinstance(value, dict):
        return value
    tag = value.get("$")
    v = value.get("v")
    if tag == "dict":
        return {_hashable(decode(k, deref)): decode(x, deref) for k, x in v}
    if tag == "tuple":
        return tuple(decode(x, deref) for x in v)
    if tag == "set":
        return {_hashable(decode(x, deref)) for x in v}
    if tag == "frozenset":
        return frozenset(_hashable(decode(x, deref)) for x in v)
    if tag == "float":
        return float(v)
    if tag == "bytes":
        return base64.b64decode(v)
    if tag == "complex":
        return complex(decode(v[0]), decode(v[1]))
    if tag == "decimal":
        return decimal.Decimal(v)
    if tag == "datetime":
        return dt.datetime.fromisoformat(v)
    if tag == "date":
        return dt.date.fromisoformat(v)
    if tag == "timedelta":
        return dt.timedelta(days=v[0], seconds=v[1], microseconds=v[2])
    if tag in ("df", "series", "index", "timestamp", "nat", "na", "pdtimedelta", "ndarray", "np"):
        return _decode_scientific(tag, value, deref)
    if tag == "x509":
        from cryptography import x509

        return x509.load_der_x509_certificate(base64.b64decode(v))
    if tag == "enum":
        return _decode_enum(value, deref)
    if tag == "ref" and deref is not None:
        return deref(value)
    raise ValueError(f"unknown value tag {tag!r}")


def _hashable(key):
    if isinstance(key, list):
        return tuple(_hashable(k) for k in key)
    return key


def _decode_scientific(tag, value, deref):
    import numpy as np
    import pandas as pd

    if tag == "df":
        columns = _decode_index(value["columns"], deref)
        index = _decode_index(value["index"], deref)
        data = {i: _decode_array(col, index, deref) for i, col in enumerate(value["data"])}
        frame = pd.DataFrame(data, index=index)
        frame.columns = columns
        return frame
    if tag == "series":
        index = _decode_index(value["index"], deref)
        series = _decode_array(value["data"], index, deref)
        series.name = decode(value["name"], deref)
        return series
    if tag == "index":
        return _decode_index(value["v"], deref)
    if tag == "timestamp":
        return pd.NaT if value["v"] is None else pd.Timestamp(value["v"])
    if tag == "nat":
        return pd.NaT
    if tag == "na":
        return pd.NA
    if tag == "pdtimedelta":
        return pd.Timedelta(value["v"], unit="ns")
    if tag == "ndarray":
        items = [decode(v, deref) for v in value["v"]]
        return np.array(items, dtype=np.dtype(value["dtype"])).reshape(value["shape"])
    if tag == "np":
        return np.dtype(value["dtype"]).type(decode(value["v"], deref))
    raise ValueError(tag)


def _decode_array(column, index, deref):
    import pandas as pd

    dtype = column["dtype"]
    if "ns" in column:
        values = pd.to_datetime(pd.Series(column["ns"], dtype="float64"), unit="ns")
        if getattr(pd.api.types.pandas_dtype(dtype), "tz", None) is not None:
            values = values.dt.tz_localize("UTC").dt.tz_convert(pd.api.types.pandas_dtype(dtype).tz)
        values = values.astype(dtype)
        values.index = index
        return values
    items = [decode(v, deref) for v in column["v"]]
    if dtype == "category":
        categories = [decode(v, deref) for v in column["categories"]]
        return pd.Series(pd.Categorical(items, categories=categories, ordered=column["ordered"]), index=index)
    try:
        return pd.Series(items, index=index, dtype=dtype)
    except (TypeError, ValueError):
        return pd.Series(items, index=index, dtype=object)


def _decode_index(encoded, deref):
    import pandas as pd

    if "range" in encoded:
        start, stop, step = encoded["range"]
        return pd.RangeIndex(start, stop, step, name=decode(encoded["name"], deref))
    if "tuples" in encoded:
        return pd.MultiIndex.from_tuples([decode(t, deref) for t in encoded["tuples"]],
                                         names=[decode(n, deref) for n in encoded["names"]])
    values = _decode_array(encoded["array"], pd.RangeIndex(len(encoded["array"].get("v", encoded["array"].get("ns", [])))), deref)
    return pd.Index(values, name=decode(encoded["name"], deref))


def write_files(root: str, files: dict[str, str]) -> None:
    """Write base64 ``files`` (relative paths) under ``root``, never outside it."""
    for rel, data in files.items():
        path = os.path.normpath(os.path.join(root, rel))
        if not path.startswith(os.path.normpath(root) + os.sep):
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if os.path.lexists(path):
            os.unlink(path)
        with open(path, "wb") as fh:
            fh.write(base64.b64decode(data))
