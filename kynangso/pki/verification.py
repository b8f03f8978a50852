"""Checking a signed PDF and explaining the result in plain Vietnamese.

Validation is pyHanko's, offline by construction:

* trust comes only from the roots the caller passes (never the system's list);
* ``allow_fetching=False``: nothing is downloaded, ever;
* revocation mode ``soft-fail``: revocation data is used when the document carries it
  and its absence is not an error. Training certificates name no CRL or OCSP service,
  so "hard-fail" or "require" would reject every training signature for a reason a
  learner cannot act on;
* certificates are judged at the signing time the signer recorded (PAdES keeps it in
  the signed part of the signature dictionary; there is no timestamp authority in
  training). So ``expired`` means "not valid when signed", as the lessons teach.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import EmbeddedPdfSignature
from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    NotYetValidError,
    PathBuildingError,
    ValidationError,
)

from kynangso.messages import t

from ._sync import run_sync
from .inspection import common_name
from .signer import to_asn1


@dataclass(frozen=True)
class Verdict:
    """What a verifier concludes about a PDF's signature, with reasons a learner can read.

    ``reasons`` explains the verdict either way: what is wrong, or why it is valid.
    """

    valid: bool
    intact: bool
    trusted: bool
    expired: bool
    signer: str | None = None
    signed_at: datetime | None = None
    reasons: list[str] = field(default_factory=list)


def _rejected(message_key: str) -> Verdict:
    return Verdict(valid=False, intact=False, trusted=False, expired=False, reasons=[t(message_key)])


def _context(roots: list[asn1_x509.Certificate], moment: datetime) -> ValidationContext:
    return ValidationContext(
        trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail", moment=moment
    )


async def _chain_status(
    signature: EmbeddedPdfSignature, roots: list[asn1_x509.Certificate], moment: datetime
) -> tuple[bool, bool]:
    """(trusted, expired): does the chain reach a root, and was the signer's certificate
    outside its validity at ``moment``? Judged apart from the document's integrity, so a
    learner who edits a document still sees who signed it."""
    validator = CertificateValidator(
        signature.signer_cert,
        intermediate_certs=signature.other_embedded_certs,
        validation_context=_context(roots, moment),
    )
    try:
        await validator.async_validate_path()
    except (ExpiredError, NotYetValidError) as error:
        # The path was checked down to the signer, whose own dates are the only fault.
        return error.is_ee_cert, error.is_ee_cert
    except (PathBuildingError, ValidationError):
        return False, False
    return True, False


async def _check(signature: EmbeddedPdfSignature, roots: list[asn1_x509.Certificate]) -> Verdict:
    signed_at = signature.self_reported_timestamp
    moment = signed_at or datetime.now(timezone.utc)
    status = await async_validate_pdf_signature(signature, _context(roots, moment))
    trusted, expired = await _chain_status(signature, roots, moment)
    unmodified = status.docmdp_ok is True
    intact = status.intact and status.valid and unmodified
    valid = intact and trusted and not expired and status.bottom_line

    signer_certificate = x509.load_der_x509_certificate(signature.signer_cert.dump())
    signer = common_name(signer_certificate.subject)
    reasons = []
    if valid:
        reasons.append(t("pki.verify.ok", signer=signer))
    if not status.intact:
        reasons.append(t("pki.verify.altered"))
    elif not status.valid:
        reasons.append(t("pki.verify.bad_signature"))
    elif not unmodified:
        reasons.append(t("pki.verify.modified_after"))
    if not trusted:
        reasons.append(t("pki.verify.untrusted"))
    if expired:
        reasons.append(t("pki.verify.expired"))
    if not valid and not reasons:
        reasons.append(t("pki.verify.not_accepted"))
    if signed_at is None:
        reasons.append(t("pki.verify.time_unknown"))
    return Verdict(valid, intact, trusted, expired, signer, signed_at, reasons)


def _combine(verdicts: list[Verdict]) -> Verdict:
    """One verdict for a document signed several times: valid only if every signature is."""
    if len(verdicts) == 1:
        return verdicts[0]
    valid = all(v.valid for v in verdicts)
    names = [v.signer for v in verdicts if v.signer]
    times = [v.signed_at for v in verdicts if v.signed_at]
    # An invalid document is explained by its faulty signatures only.
    explained = [v for v in verdicts if valid or not v.valid]
    reasons = list(dict.fromkeys(reason for v in explained for reason in v.reasons))
    return Verdict(
        valid=valid,
        intact=all(v.intact for v in verdicts),
        trusted=all(v.trusted for v in verdicts),
        expired=any(v.expired for v in verdicts),
        signer=", ".join(names) or None,
        signed_at=max(times) if times else None,
        reasons=reasons,
    )


def _trust_roots(trust_roots: object) -> list[asn1_x509.Certificate] | None:
    """The roots as pyHanko wants them, or None if ``trust_roots`` is not certificates.

    A lone certificate counts as a list of one: ``verify_pdf(pdf, ca.root_certificate)`` is
    the slip a trainee makes most, and blaming the document for it would teach the wrong
    lesson."""
    if isinstance(trust_roots, x509.Certificate):
        trust_roots = [trust_roots]
    if isinstance(trust_roots, (str, bytes)):
        return None
    try:
        roots = list(trust_roots)
    except Exception:  # not iterable, or an iterator that fails: either way, not roots
        return None
    if not all(isinstance(root, x509.Certificate) for root in roots):
        return None
    return [to_asn1(root) for root in roots]


def verify_pdf(pdf: bytes, trust_roots: list[x509.Certificate]) -> Verdict:
    """Check every signature in ``pdf`` against ``trust_roots``. Never raises: whatever
    the input, the answer is a Verdict whose reasons say what was found."""
    roots = _trust_roots(trust_roots)
    if roots is None:
        return _rejected("pki.verify.bad_trust_roots")
    try:
        reader = PdfFileReader(BytesIO(bytes(pdf)), strict=False)
    except Exception:  # any failure to parse means "not a readable PDF" to a learner
        return _rejected("pki.verify.not_pdf")
    try:
        signatures = reader.embedded_regular_signatures
        if not signatures:
            return _rejected("pki.verify.unsigned")
        return _combine([run_sync(_check(signature, roots)) for signature in signatures])
    except Exception:  # a damaged signature must still produce a verdict, not a traceback
        return _rejected("pki.verify.unreadable_signature")
