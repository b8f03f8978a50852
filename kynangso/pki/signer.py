"""A learner's signing identity: a private key, its certificate and the chain above it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .certificates import PrivateKey
from .inspection import cccd_of, common_name, describe_certificate


def to_asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    """The same certificate as the asn1crypto object that pyHanko works with."""
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


@dataclass(frozen=True)
class Signer:
    """What ``sign_pdf`` needs, plus readable facts for the lessons' "view your certificate".

    ``chain`` runs upwards from the issuing CA to the root, so a verifier can build the
    path without fetching anything.
    """

    private_key: PrivateKey = field(repr=False)
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]

    @property
    def full_name(self) -> str:
        return common_name(self.certificate.subject) or ""

    @property
    def cccd(self) -> str | None:
        return cccd_of(self.certificate)

    @property
    def valid_from(self) -> datetime:
        return self.certificate.not_valid_before_utc

    @property
    def valid_until(self) -> datetime:
        return self.certificate.not_valid_after_utc

    @property
    def issuer_name(self) -> str:
        return common_name(self.certificate.issuer) or ""

    def describe(self) -> dict[str, str]:
        """The certificate's details under Vietnamese labels (see ``describe_certificate``)."""
        return describe_certificate(self.certificate)

    @property
    def pyhanko_signer(self) -> SimpleSigner:
        """A pyHanko signer that embeds this certificate and its whole chain in each signature."""
        key_der = self.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return SimpleSigner(
            signing_cert=to_asn1(self.certificate),
            signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
            cert_registry=SimpleCertificateStore.from_certs([to_asn1(c) for c in self.chain]),
        )
