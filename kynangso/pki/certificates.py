"""Building training certificates: keys, names marked as training-only, and extensions.

Keys are EC P-256: generating one takes well under a millisecond (RSA-2048 takes tens to
hundreds), which matters because lessons create CAs and signers live, and both pyHanko and
poppler/NSS (``pdfsig``) verify ECDSA P-256 with SHA-256 signatures.

Certificates carry no CRL or OCSP address: the training PKI is offline by design, so no
verifier ever tries to fetch revocation data for them.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kynangso.messages import t

PrivateKey = ec.EllipticCurvePrivateKey

# RFC 5280's upper bound for a common name, which cryptography enforces.
MAX_NAME_LENGTH = 64
CCCD_PATTERN = re.compile(r"[0-9]{12}")
CCCD_PREFIX = "CCCD:"


def generate_key() -> PrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def clean_name(name: str, message_key: str) -> str:
    """``name`` in NFC with single spaces, or a ValueError in Vietnamese if it cannot be a CN."""
    cleaned = " ".join(unicodedata.normalize("NFC", str(name)).split())
    if not 1 <= len(cleaned) <= MAX_NAME_LENGTH:
        raise ValueError(t(message_key, name=cleaned, length=len(cleaned), limit=MAX_NAME_LENGTH))
    return cleaned


def clean_cccd(cccd: str) -> str:
    """The 12-digit citizen ID, or a ValueError in Vietnamese."""
    digits = str(cccd).strip()
    if not CCCD_PATTERN.fullmatch(digits):
        raise ValueError(t("pki.issue.bad_cccd", cccd=cccd))
    return digits


def training_name(common_name: str, *, cccd: str | None = None) -> x509.Name:
    """A subject that says, in every viewer, that it belongs to training and has no legal value."""
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, t("pki.ca.organization")),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, t("pki.ca.training_only")),
    ]
    if cccd is not None:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, CCCD_PREFIX + cccd))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _builder(
    subject: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    issuer: x509.Certificate | None,
    not_before: datetime,
    not_after: datetime,
) -> x509.CertificateBuilder:
    """What every certificate here shares: names, validity, serial, SKI and AKI."""
    issuer_name = subject if issuer is None else issuer.subject
    issuer_key = public_key if issuer is None else issuer.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key), critical=False)
    )


def _key_usage(*, signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,  # nonRepudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signing,
        crl_sign=not signing,
        encipher_only=False,
        decipher_only=False,
    )


def ca_certificate(
    common_name: str,
    key: PrivateKey,
    *,
    issuer: x509.Certificate | None,
    issuer_key: PrivateKey,
    path_length: int,
    years: int,
) -> x509.Certificate:
    """A CA certificate; self-signed when ``issuer`` is None."""
    now = datetime.now(timezone.utc)
    builder = _builder(
        training_name(common_name), key.public_key(), issuer,
        now - timedelta(days=1), now + timedelta(days=365 * years),
    )
    builder = builder.add_extension(
        x509.BasicConstraints(ca=True, path_length=path_length), critical=True
    ).add_extension(_key_usage(signing=False), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def signing_certificate(
    full_name: str,
    key: PrivateKey,
    *,
    cccd: str | None,
    issuer: x509.Certificate,
    issuer_key: PrivateKey,
    not_before: datetime,
    not_after: datetime,
) -> x509.Certificate:
    """An end-entity certificate for signing documents (digitalSignature + nonRepudiation)."""
    builder = _builder(
        training_name(full_name, cccd=cccd), key.public_key(), issuer, not_before, not_after
    )
    builder = builder.add_extension(
        x509.BasicConstraints(ca=False, path_length=None), critical=True
    ).add_extension(_key_usage(signing=True), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())
