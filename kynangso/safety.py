"""Read a link the way a careful resident should: from the right, looking for tricks.

``classify_link`` sorts a link into three kinds, each with reasons in plain Vietnamese:

- ``official``: https, a host under ``.gov.vn``, and no tricks at all;
- ``suspicious``: at least one red flag (lookalike names, hidden hosts, shorteners, app
  downloads, raw or disguised IP addresses, malformed input, ...);
- ``unknown``: an ordinary site with no red flag, which is not the same as safe.

Decisions worth knowing:

- The host is read as a browser would open it: backslashes count as slashes, tabs and
  other invisible characters are dropped, ``%xx`` in the host is decoded, one trailing dot
  is ignored. The tricks themselves are still reported.
- ``x-y.gov.vn`` is official. Only the end of the host says who owns it, and only state
  bodies get names under ``.gov.vn``; hyphens are only a red flag when the host is *not*
  under ``.gov.vn`` and uses them to fake it (``vneid-gov.com``).
- A link without a scheme (``dichvucong.gov.vn``) is checked like any other, but is never
  ``official``: without ``https://`` we cannot promise a secure connection. Plain ``http``
  on a ``.gov.vn`` host is ``unknown`` for the same reason, and the reason says so.
- Malformed input of any type never raises; it is ``suspicious`` with code ``malformed``.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

from kynangso.messages import t

Kind = Literal["official", "suspicious", "unknown"]

# A teaching approximation of the Public Suffix List (publicsuffix.org): its "vn" section
# (the second-level names VNNIC registers under, as in Debian's publicsuffix package), plus
# the list's default rule that any last label (com, org, xyz, ly, ...) is a public suffix.
# Left out: PSL's private section, Vietnamese province names (hanoi.vn, ...) and other
# countries' second-level names (co.uk, ...).
PUBLIC_SUFFIXES = frozenset({
    "vn", "gov.vn", "com.vn", "net.vn", "org.vn", "edu.vn", "ac.vn", "health.vn",
    "info.vn", "biz.vn", "name.vn", "pro.vn", "int.vn",
})
OFFICIAL_SUFFIX = "gov.vn"

# Well-known public link shorteners (each service's own site, 2025). A short link hides
# where it leads, so any link through one is a red flag in a message asking for data.
URL_SHORTENERS = frozenset({
    "bit.ly", "bitly.com", "tinyurl.com", "t.co", "goo.gl", "is.gd", "v.gd", "cutt.ly",
    "rb.gy", "s.id", "shorturl.at", "tiny.cc", "ow.ly", "buff.ly", "rebrand.ly", "t.ly",
    "shorte.st", "lnkd.in", "surl.li", "clck.ru", "u.to", "tiny.one",
})

# Names of national services scammers imitate; the real sites are all under .gov.vn:
# dichvucong.gov.vn and vneid.gov.vn (content-facts.md §2, §6), bocongan.gov.vn (Ministry
# of Public Security), baohiemxahoi.gov.vn (Vietnam Social Security). Not "chinhphu":
# the Government portal itself is chinhphu.vn.
OFFICIAL_SERVICE_NAMES = ("dichvucong", "vneid", "bocongan", "baohiemxahoi")

# Android app packages; official advice is to install apps only from App Store / CH Play.
APP_PACKAGE_SUFFIXES = (".apk", ".xapk")

# Links a person is asked to open are short; 2,000 characters is the classic limit that
# every browser and server accepts, and longer links are usually hiding something.
MAX_URL_LENGTH = 2000
DEFAULT_PORTS = {"http": 80, "https": 443}

# Codes that explain an "unknown" verdict without being red flags.
_CAUTIONS = frozenset({"not_https", "no_scheme"})

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(.*)\Z", re.DOTALL)
_PORT_THEN_PATH = re.compile(r"[0-9]{1,5}([/?#]|\Z)")
_ASCII_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.")
_IPV4_NUMBER = re.compile(r"(0x[0-9a-f]*|[0-9]+)\Z")  # the WHATWG URL standard's forms
_LABEL = re.compile(r"[\w-]+\Z")
_FAKE_GOV_VN = re.compile(r"(^|[.-])gov\.vn([.-]|$)")
_GOV_WORD = re.compile(r"(^|-)gov(vn)?(-|$)")


@dataclass(frozen=True)
class LinkVerdict:
    """What a link is, and why: ``codes`` are stable identifiers, ``reasons`` their text."""

    kind: Kind
    host: str | None
    codes: tuple[str, ...]
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        """A short Vietnamese heading for the verdict, for a widget or a quiz."""
        return t(f"safety.kind.{self.kind}")


def classify_link(url: str) -> LinkVerdict:
    """Sort ``url`` into official / suspicious / unknown, with reasons; never raises.

    Anything that is not a usable link (``None``, bytes, a number, garbage text) is
    ``suspicious`` with the reason ``malformed``, so a lesson can pass input straight in.
    """
    found = _Findings()
    scheme, host = _inspect_link(url, found)
    if any(code not in _CAUTIONS for code in found.codes):
        kind: Kind = "suspicious"
    elif scheme == "https" and host is not None and _under_gov_vn(host):
        kind = "official"
        found.flag("official", host=_shown(host))
    else:
        kind = "unknown"
        found.flag("no_red_flags")
    return LinkVerdict(kind=kind, host=host, codes=tuple(found.codes), reasons=tuple(found.reasons))


def registrable_domain(host: object) -> str | None:
    """The part of ``host`` its owner registered (``a.b.gov.vn`` → ``b.gov.vn``).

    Uses the small rule set in ``PUBLIC_SUFFIXES``, a teaching approximation of the Public
    Suffix List. None for IP addresses, bare suffixes (``gov.vn``, ``com``) and bad input.
    """
    if not isinstance(host, str):
        return None
    name = host.strip().lower().removesuffix(".")
    labels = name.split(".")
    if not all(_LABEL.match(label) for label in labels) or _IPV4_NUMBER.match(labels[-1]):
        return None
    for start in range(len(labels)):
        if ".".join(labels[start:]) in PUBLIC_SUFFIXES:
            return ".".join(labels[start - 1:]) if start else None
    return ".".join(labels[-2:]) if len(labels) > 1 else None


class _Findings:
    """Codes and reasons in the order found, each code once."""

    def __init__(self) -> None:
        self.codes: list[str] = []
        self.reasons: list[str] = []

    def flag(self, code: str, **params: object) -> None:
        self._add(code, t(f"safety.reason.{code}", **params))

    def malformed(self, variant: str, **params: object) -> None:
        self._add("malformed", t(f"safety.malformed.{variant}", **params))

    def _add(self, code: str, reason: str) -> None:
        if code not in self.codes:
            self.codes.append(code)
            self.reasons.append(reason)


def _inspect_link(url: object, found: _Findings) -> tuple[str | None, str | None]:
    """Record every finding about the whole link; return its scheme and host, if any."""
    if not isinstance(url, str):
        found.malformed("not_text")
        return None, None
    text = url.strip()
    if len(text) > MAX_URL_LENGTH:
        found.flag("too_long", length=f"{len(text):,}".replace(",", "."))  # 10.008, as Vietnamese write it
    visible = "".join(ch for ch in text if not _is_hidden(ch))
    if visible != text:
        found.flag("hidden_characters")
    if not visible:
        found.malformed("empty")
        return None, None
    end_of_path = re.search(r"[?#]|\Z", visible).start()
    if "\\" in visible[:end_of_path]:
        found.flag("backslash")
        visible = visible[:end_of_path].replace("\\", "/") + visible[end_of_path:]

    scheme, rest = _split_scheme(visible)
    if scheme is None:
        found.flag("no_scheme")
    elif scheme not in DEFAULT_PORTS:
        found.flag("unusual_scheme", scheme=scheme)
        if not rest.startswith("//"):
            return scheme, None
    elif scheme == "http":
        found.flag("not_https")
    try:
        parts = urlsplit("//" + rest.lstrip("/"))
        port = parts.port
    except ValueError:
        found.malformed("unparsable")
        return scheme, None

    host = _host_as_opened(parts.hostname, found)
    if host is None:
        return scheme, None
    if "@" in parts.netloc:
        decoy = unquote(parts.netloc.rpartition("@")[0])
        found.flag("userinfo", decoy=_shown(decoy), host=_shown(host))
    allowed_ports = {DEFAULT_PORTS[scheme]} if scheme in DEFAULT_PORTS else set(DEFAULT_PORTS.values())
    if port is not None and port not in allowed_ports:
        found.flag("unusual_port", port=port)
    _inspect_host(host, found)
    if _downloads_app(parts.path, parts.query):
        found.flag("apk_download")
    return scheme, host


def _split_scheme(text: str) -> tuple[str | None, str]:
    """``(scheme, rest)``; ``host.vn:8080/...`` and ``localhost:8080`` have no scheme."""
    match = _SCHEME.match(text)
    if match is None or "." in match[1] or _PORT_THEN_PATH.match(match[2]):
        return None, text
    return match[1].lower(), match[2]


def _host_as_opened(hostname: str | None, found: _Findings) -> str | None:
    """The host a browser would contact, or None (recorded as malformed) if there is none."""
    if not hostname:
        found.malformed("no_host")
        return None
    host = hostname
    if "%" in host:
        host = unquote(host).lower()
        found.flag("percent_encoded_host", host=_shown(host))
    host = host.removesuffix(".")
    if not host:
        found.malformed("no_host")
        return None
    return host


def _inspect_host(host: str, found: _Findings) -> None:
    """Red flags in the host itself: bad syntax, IP addresses, lookalikes, shorteners."""
    labels = host.split(".")
    if ":" in host:
        _inspect_ipv6(host, found)
        return
    if len(host) > 253 or any(len(label) > 63 for label in labels):  # the DNS limits
        found.malformed("host_too_long")
        return
    if not all(labels) or any(ch.isascii() and ch not in _ASCII_HOST_CHARS for ch in host):
        found.malformed("bad_host", host=_shown(host))
        return
    if _IPV4_NUMBER.match(labels[-1]):
        _inspect_ipv4(host, found)
        return

    _inspect_letters(labels, found)
    domain = _shown(registrable_domain(host) or host)
    # The bare registry name "gov.vn" is neither a state body's site nor an imitation.
    if host != OFFICIAL_SUFFIX and not _under_gov_vn(host):
        _inspect_gov_vn_imitation(host, labels, domain, found)
    if host in URL_SHORTENERS or registrable_domain(host) in URL_SHORTENERS:
        found.flag("shortener", domain=domain)


def _inspect_letters(labels: list[str], found: _Findings) -> None:
    """IDN tricks: punycode labels, accented Latin letters, letters of other alphabets."""
    readable = ".".join(_from_punycode(label) for label in labels)
    if readable != ".".join(labels):
        found.flag("punycode", decoded=_shown(readable))
    unusual = {ch for ch in readable if not ch.isascii()}
    accented = sorted(ch for ch in unusual if _is_accented_latin(ch))
    foreign = sorted(unusual.difference(accented))
    if accented:
        found.flag("accented_letters", letters=" ".join(accented))
    if foreign:
        found.flag("lookalike_letters", letters=" ".join(foreign))


def _inspect_gov_vn_imitation(host: str, labels: list[str], domain: str, found: _Findings) -> None:
    """A host outside .gov.vn that borrows its look or the names of state services."""
    if _FAKE_GOV_VN.search(host):
        found.flag("gov_vn_not_at_end", domain=domain)
    elif any(("-" in label and _GOV_WORD.search(label)) or "govvn" in label for label in labels):
        found.flag("gov_vn_lookalike", domain=domain)
    name = next((name for name in OFFICIAL_SERVICE_NAMES if name in host), None)
    if name is not None:
        found.flag("official_name_elsewhere", name=name, domain=domain)


def _inspect_ipv6(host: str, found: _Findings) -> None:
    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        found.malformed("bad_host", host=_shown(host))
    else:
        found.flag("ip_address", host=host)


def _inspect_ipv4(host: str, found: _Findings) -> None:
    """A host ending in a number is an IPv4 address to a browser, however it is written."""
    address = _parse_ipv4(host)
    if address is None:
        found.malformed("bad_ip", host=_shown(host))
    elif str(address) == host:
        found.flag("ip_address", host=host)
    else:
        found.flag("encoded_ip", host=_shown(host), ip=address)


def _parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The WHATWG URL standard's IPv4 parser: 1–4 parts, each decimal, 0x-hex or 0-octal."""
    parts = host.split(".")
    if len(parts) > 4 or any(len(part) > 12 or not _IPV4_NUMBER.match(part) for part in parts):
        return None
    numbers = []
    for part in parts:
        if part.startswith("0x"):
            numbers.append(int(part[2:] or "0", 16))
        elif len(part) > 1 and part.startswith("0"):
            if not set(part) <= set("01234567"):
                return None
            numbers.append(int(part, 8))
        else:
            numbers.append(int(part))
    *leading, last = numbers
    if any(number > 255 for number in leading) or last >= 256 ** (4 - len(leading)):
        return None
    value = last + sum(number << (8 * (3 - index)) for index, number in enumerate(leading))
    return ipaddress.IPv4Address(value)


def _downloads_app(path: str, query: str) -> bool:
    """Whether the link fetches an Android package, by its path or a query value."""
    candidates = [unquote(path)] + re.split(r"[&=]", unquote(query))
    return any(candidate.lower().rstrip("/").endswith(APP_PACKAGE_SUFFIXES) for candidate in candidates)


def _under_gov_vn(host: str) -> bool:
    return host.endswith("." + OFFICIAL_SUFFIX)


def _from_punycode(label: str) -> str:
    if not label.startswith("xn--"):
        return label
    try:
        return label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return label


def _is_hidden(ch: str) -> bool:
    """Control, format (zero-width, bidi) and non-ASCII space characters a reader cannot see."""
    category = unicodedata.category(ch)
    return category in ("Cc", "Cf", "Zl", "Zp") or (category == "Zs" and ch != " ")


def _is_accented_latin(ch: str) -> bool:
    """Vietnamese-style letters (ạ, ơ, đ, ...): Latin letters carrying a mark."""
    name = unicodedata.name(ch, "")
    return name.startswith("LATIN ") and " WITH " in name


def _shown(text: str) -> str:
    """``text`` short enough for a phone screen, keeping its end, which decides the owner."""
    return text if len(text) <= 80 else f"{text[:20]}…{text[-50:]}"
