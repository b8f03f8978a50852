"""A training PKI: a CA marked as training-only, PAdES signing and verification.

Everything here is real cryptography (``cryptography`` and pyHanko) but nothing it
issues has legal value: every certificate says so in its subject, and every signature
box says "CHỈ DÙNG ĐỂ HỌC TẬP". It works offline and never fetches anything.

    ca = TrainingCA.create(folder)
    nhung = ca.issue("Nguyễn Thị Hồng Nhung", cccd="001175012345")
    signed = sign_pdf(make_document("Đơn đề nghị", "Nội dung…"), nhung)
    verify_pdf(signed, [ca.root_certificate]).valid   # True
"""

import logging

from .ca import TrainingCA
from .document import make_document
from .inspection import describe_certificate, sha256_hex
from .signer import Signer
from .signing import sign_pdf
from .verification import Verdict, verify_pdf

# pyHanko and fontTools report expected events (an untrusted chain, a font table left
# out of a subset) as warnings, some with tracebacks. With no logging configured Python
# prints those to stderr, which a notebook shows in red to a learner; a NullHandler keeps
# them for applications that do configure logging.
for _library in ("pyhanko", "pyhanko_certvalidator", "fontTools"):
    logging.getLogger(_library).addHandler(logging.NullHandler())

__all__ = [
    "Signer",
    "TrainingCA",
    "Verdict",
    "describe_certificate",
    "make_document",
    "sha256_hex",
    "sign_pdf",
    "verify_pdf",
]
