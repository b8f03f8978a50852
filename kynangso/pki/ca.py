"""The training certificate authority: a root and an intermediate, kept as PEM files.

Two levels, like Vietnam's real hierarchy (the national root, then a provider's CA that
issues to people), so lessons can show a chain rather than a lone certificate.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from kynangso.messages import t

from .certificates import (
    PrivateKey,
    ca_certificate,
    clean_cccd,
    clean_name,
    generate_key,
    signing_certificate,
)
from .signer import Signer

ROOT_CERT = "root.pem"
ROOT_KEY = "root-key.pem"
INTERMEDIATE_CERT = "intermediate.pem"
INTERMEDIATE_KEY = "intermediate-key.pem"
CA_FILES = (ROOT_CERT, ROOT_KEY, INTERMEDIATE_CERT, INTERMEDIATE_KEY)

ROOT_YEARS = 10
INTERMEDIATE_YEARS = 5


def _write_certificate(path: Path, certificate: x509.Certificate) -> None:
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def _write_private_key(path: Path, key: PrivateKey) -> None:
    """Write ``key`` readable by its owner only (0600), even if the file existed before."""
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),  # training keys: no secret worth a passphrase
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(pem)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ValueError(t("pki.ca.missing_file", path=path)) from None


def _read_certificate(path: Path) -> x509.Certificate:
    data = _read(path)
    try:
        return x509.load_pem_x509_certificate(data)
    except ValueError:
        raise ValueError(t("pki.ca.corrupt_file", path=path)) from None


def _read_private_key(path: Path) -> PrivateKey:
    data = _read(path)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise ValueError(t("pki.ca.corrupt_file", path=path)) from None
    if not isinstance(key, PrivateKey):
        raise ValueError(t("pki.ca.corrupt_file", path=path))
    return key


def _belongs(key: PrivateKey, certificate: x509.Certificate) -> bool:
    return key.public_key() == certificate.public_key()


def _issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


@dataclass(frozen=True)
class TrainingCA:
    """A root CA and an intermediate CA that issues learners' signing certificates."""

    directory: Path
    root_certificate: x509.Certificate
    intermediate_certificate: x509.Certificate
    _root_key: PrivateKey = field(repr=False)
    _intermediate_key: PrivateKey = field(repr=False)

    @classmethod
    def create(cls, directory: str | os.PathLike, name: str | None = None) -> TrainingCA:
        """Make a new CA and write it to ``directory``; refuse to overwrite an existing one."""
        name = clean_name(t("pki.ca.default_name") if name is None else name, "pki.ca.bad_name")
        root_name = clean_name(t("pki.ca.root_name", name=name), "pki.ca.bad_name")
        intermediate_name = clean_name(t("pki.ca.intermediate_name", name=name), "pki.ca.bad_name")
        directory = Path(directory)
        if any((directory / file).exists() for file in CA_FILES):
            raise ValueError(t("pki.ca.already_exists", directory=directory))

        root_key, intermediate_key = generate_key(), generate_key()
        root = ca_certificate(
            root_name, root_key, issuer=None, issuer_key=root_key,
            path_length=1, years=ROOT_YEARS,
        )
        intermediate = ca_certificate(
            intermediate_name, intermediate_key, issuer=root, issuer_key=root_key,
            path_length=0, years=INTERMEDIATE_YEARS,
        )
        directory.mkdir(parents=True, exist_ok=True)
        _write_private_key(directory / ROOT_KEY, root_key)
        _write_private_key(directory / INTERMEDIATE_KEY, intermediate_key)
        _write_certificate(directory / ROOT_CERT, root)
        _write_certificate(directory / INTERMEDIATE_CERT, intermediate)
        return cls(directory, root, intermediate, root_key, intermediate_key)

    @classmethod
    def load(cls, directory: str | os.PathLike) -> TrainingCA:
        """Open a CA written by ``create``, checking that its files belong together."""
        directory = Path(directory)
        root = _read_certificate(directory / ROOT_CERT)
        root_key = _read_private_key(directory / ROOT_KEY)
        intermediate = _read_certificate(directory / INTERMEDIATE_CERT)
        intermediate_key = _read_private_key(directory / INTERMEDIATE_KEY)
        if not (
            _belongs(root_key, root)
            and _belongs(intermediate_key, intermediate)
            and _issued_by(intermediate, root)
        ):
            raise ValueError(t("pki.ca.mismatch", directory=directory))
        return cls(directory, root, intermediate, root_key, intermediate_key)

    @classmethod
    def load_or_create(cls, directory: str | os.PathLike, name: str | None = None) -> TrainingCA:
        """The CA in ``directory``, created on first use: lets a lesson cell run twice."""
        if (Path(directory) / ROOT_CERT).exists():
            return cls.load(directory)
        return cls.create(directory, name)

    def issue(
        self,
        full_name: str,
        *,
        cccd: str | None = None,
        valid_from: datetime | None = None,
        valid_days: int = 365,
    ) -> Signer:
        """A new key and signing certificate for ``full_name``.

        ``valid_from`` (naive means UTC) in the past with a short ``valid_days`` makes an
        expired certificate, for lessons on expiry.
        """
        full_name = clean_name(full_name, "pki.issue.bad_name")
        cccd = None if cccd is None else clean_cccd(cccd)
        if isinstance(valid_days, bool) or not isinstance(valid_days, int) or valid_days < 1:
            raise ValueError(t("pki.issue.bad_days", days=valid_days))
        start = datetime.now(timezone.utc) if valid_from is None else valid_from
        if start.tzinfo is None:
            start = start.replace(tzinfo=timezone.utc)
        key = generate_key()
        certificate = signing_certificate(
            full_name, key, cccd=cccd,
            issuer=self.intermediate_certificate, issuer_key=self._intermediate_key,
            not_before=start, not_after=start + timedelta(days=valid_days),
        )
        return Signer(key, certificate, (self.intermediate_certificate, self.root_certificate))
