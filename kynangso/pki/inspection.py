"""Reading certificates and documents the way a learner sees them ("view your certificate")."""

from __future__ import annotations

import hashlib
from datetime import timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from kynangso.messages import t

from .certificates import CCCD_PREFIX

# Vietnam keeps UTC+7 all year, so a fixed offset needs no time-zone database.
VIETNAM_TIME = timezone(timedelta(hours=7))


def sha256_hex(data: bytes) -> str:
    """The SHA-256 digest of ``data`` in lowercase hex: the "fingerprint" lessons compare."""
    return hashlib.sha256(data).hexdigest()


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else None


def common_name(name: x509.Name) -> str | None:
    return _attribute(name, NameOID.COMMON_NAME)


def cccd_of(certificate: x509.Certificate) -> str | None:
    """The citizen ID number written into the subject at issue, if any."""
    serial = _attribute(certificate.subject, NameOID.SERIAL_NUMBER)
    if serial is None or not serial.startswith(CCCD_PREFIX):
        return None
    return serial.removeprefix(CCCD_PREFIX)


def readable_name(name: x509.Name) -> str:
    """A distinguished name as plain values, most specific first: "Nguyễn Văn A, …, VN"."""
    return ", ".join(str(attribute.value) for attribute in reversed(list(name)))


def colon_hex(data: bytes) -> str:
    """Bytes as certificate viewers show them: "3F:A0:…"."""
    return ":".join(f"{byte:02X}" for byte in data)


def _byte_length(number: int) -> int:
    return max(1, (number.bit_length() + 7) // 8)


def _vietnam_time(moment) -> str:
    return moment.astimezone(VIETNAM_TIME).strftime(t("pki.certificate.date_format"))


def describe_certificate(certificate: x509.Certificate) -> dict[str, str]:
    """The facts a learner checks on a certificate, under Vietnamese labels, in display order."""
    serial = certificate.serial_number
    return {
        t("pki.certificate.subject"): readable_name(certificate.subject),
        t("pki.certificate.issuer"): readable_name(certificate.issuer),
        t("pki.certificate.valid_from"): _vietnam_time(certificate.not_valid_before_utc),
        t("pki.certificate.valid_until"): _vietnam_time(certificate.not_valid_after_utc),
        t("pki.certificate.serial_number"): colon_hex(serial.to_bytes(_byte_length(serial), "big")),
        t("pki.certificate.fingerprint"): colon_hex(certificate.fingerprint(hashes.SHA256())),
    }
