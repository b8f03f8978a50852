"""A hands-on lab for digital signatures, with real cryptography and a training CA.

A learner gets a training certificate, signs a sample document, changes one word and
checks it again, opens documents signed by an unknown CA or with an expired certificate,
and checks a PDF of their own. Every result is a real ``verify_pdf`` verdict explained in
plain Vietnamese.

Nothing a visitor types or uploads is stored on the server: names, keys and PDFs stay in
memory. The only thing on disk is the lab's training CA (``lab_ca``), shared by every
lesson so that a document signed in one lesson still verifies in the next; it holds no
learner data. The "unknown" CA is made in memory, once per widget, on first use.
"""

from __future__ import annotations

import base64
import html
import math
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from functools import cache, cached_property
from importlib.resources import files
from io import BytesIO

import ipywidgets as widgets
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from traitlets import Bytes, Unicode

from kynangso.messages import t
from kynangso.pki import (
    Signer,
    TrainingCA,
    Verdict,
    describe_certificate,
    make_document,
    sha256_hex,
    sign_pdf,
    verify_pdf,
)
from kynangso.pki.inspection import VIETNAM_TIME, common_name
from kynangso.widgets.lab_ca import shared_training_ca
from kynangso.widgets.style import stylesheet

MAX_UPLOAD_MB = 5
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
# The PDF standard lets the header start anywhere in the first 1024 bytes.
PDF_HEADER, HEADER_WINDOW = b"%PDF-", 1024
STEPS = ("certificate", "sign", "alter", "others", "upload")
EXPIRED_DAYS_AGO, EXPIRED_VALID_DAYS = 400, 30
MAX_NAME_BYTES = 64  # RFC 5280's bound on a common name, which cryptography counts in bytes


# --- Pure helpers: what the lab shows, testable without widgets -----------------------


def alter_document(signed_pdf: bytes, title: str, body: str) -> bytes:
    """``signed_pdf`` with its first page's text replaced by a new ``title`` and ``body``.

    The change is saved the way a PDF editor saves one: as an update appended after the
    signature. The signature box stays on the page, so the forgery looks convincing; only
    a verifier notices.
    """
    replacement = PdfFileReader(BytesIO(make_document(title, body)))
    new_page = replacement.root["/Pages"]["/Kids"][0].get_object()
    writer = IncrementalPdfFileWriter(BytesIO(signed_pdf), strict=False)
    page = writer.find_page_for_modification(0)[0].get_object()
    page["/Contents"] = writer.import_object(new_page.raw_get("/Contents"))
    page["/Resources"] = writer.import_object(new_page["/Resources"])
    writer.update_container(page)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def is_pdf(content: bytes) -> bool:
    return PDF_HEADER in bytes(content[:HEADER_WINDOW])


def upload_problem(name: str, content: bytes) -> str | None:
    """Why an uploaded file cannot be checked, in Vietnamese; None if it can."""
    if len(content) > MAX_UPLOAD_BYTES:
        megabytes = len(content) / 1024 / 1024
        shown = round(megabytes, 1)
        if shown <= MAX_UPLOAD_MB:  # just over the limit: never "5,0 MB, over the 5 MB limit"
            shown = math.ceil(megabytes * 10) / 10
        size = f"{shown:.1f}".replace(".", ",")
        return t("signature_lab.upload.too_big", name=name, size=size, limit=MAX_UPLOAD_MB)
    if not content:
        return t("signature_lab.upload.empty", name=name)
    if not is_pdf(content):
        return t("signature_lab.upload.not_pdf", name=name)
    return None


def vietnam_time(moment, fmt: str) -> str:
    return moment.astimezone(VIETNAM_TIME).strftime(fmt)


def differing_digits(first: str, second: str) -> int:
    """How many positions of two equally long fingerprints differ."""
    return sum(a != b for a, b in zip(first, second, strict=True))


def fingerprint_html(fingerprint: str, compare_with: str | None = None) -> str:
    """A hex fingerprint that wraps on a phone; digits that differ from ``compare_with`` marked."""
    if compare_with is None:
        return f'<div class="kns-fingerprint">{fingerprint}</div>'
    marked = "".join(
        f"<mark>{digit}</mark>" if digit != other else digit
        for digit, other in zip(fingerprint, compare_with, strict=True)
    )
    return f'<div class="kns-fingerprint">{marked}</div>'


def verdict_html(verdict: Verdict) -> str:
    """A verdict as a card: the bottom line, the three checks, then the reasons."""
    def check(ok: bool, key: str) -> str:
        text = t(f"signature_lab.verdict.{key}_{'yes' if ok else 'no'}")
        return f"<li>{'✔' if ok else '✘'} {html.escape(text)}</li>"

    headline = t("signature_lab.verdict.valid" if verdict.valid else "signature_lab.verdict.invalid")
    css = "kns-ok" if verdict.valid else "kns-bad"
    facts = []
    if verdict.signer:
        facts.append(t("signature_lab.verdict.signer", name=verdict.signer))
    if verdict.signed_at:
        when = vietnam_time(verdict.signed_at, t("signature_lab.verdict.time_format"))
        facts.append(t("signature_lab.verdict.signed_at", time=when))
    checks = ""
    if verdict.signer:  # a file with no readable signature has nothing to tick
        checks = "<ul>" + check(verdict.intact, "intact") + check(verdict.trusted, "trusted") + check(
            not verdict.expired, "current") + "</ul>"
    reasons = "".join(f"<li>{html.escape(reason)}</li>" for reason in verdict.reasons)
    return (
        f'<div class="kns-verdict {css}" role="status" aria-live="polite">'
        f"<h4>{'✔' if verdict.valid else '✘'} {html.escape(headline)}</h4>"
        + "".join(f"<p>{html.escape(fact)}</p>" for fact in facts)
        + checks
        + f"<p><strong>{html.escape(t('signature_lab.verdict.why'))}</strong></p><ul>{reasons}</ul></div>"
    )


def certificate_html(signer: Signer) -> str:
    """The certificate's details and its chain of trust, top down."""
    rows = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>"
        for label, value in describe_certificate(signer.certificate).items()
    )
    intermediate, root = signer.chain[0], signer.chain[-1]
    chain = [
        t("signature_lab.certificate.chain_root", name=common_name(root.subject)),
        t("signature_lab.certificate.chain_intermediate", name=common_name(intermediate.subject)),
        t("signature_lab.certificate.chain_you", name=signer.full_name),
    ]
    return (
        f"<p>{html.escape(t('signature_lab.certificate.issued', name=signer.full_name))}</p>"
        f"<table>{rows}</table>"
        f"<p><strong>{html.escape(t('signature_lab.certificate.chain_title'))}</strong></p>"
        "<ol>" + "".join(f"<li>{html.escape(line)}</li>" for line in chain) + "</ol>"
        f"<p>{html.escape(t('signature_lab.certificate.chain_note'))}</p>"
    )


def stamp_html(verdict: Verdict, reason: str, location: str) -> str:
    """The visible signature box as the signed PDF shows it (same template, same time)."""
    text = t(
        "pki.sign.stamp",
        name=verdict.signer or "",
        time=verdict.signed_at.strftime(t("pki.sign.time_format")) if verdict.signed_at else "",
        reason=reason,
        location=location,
    )
    return f'<div class="kns-stamp">{html.escape(text)}</div>'


def pdf_link(pdf: bytes, filename: str, label: str) -> str:
    """A download link that carries the PDF itself, so the server keeps no copy."""
    data = base64.b64encode(pdf).decode("ascii")
    return (
        f'<a download="{html.escape(filename)}" href="data:application/pdf;base64,{data}">'
        f"{html.escape(label)}</a>"
    )


def message_html(text: str) -> str:
    return f'<p class="kns-error" role="alert">{html.escape(text)}</p>'


def paragraph(text: str) -> widgets.HTML:
    return widgets.HTML(f"<p>{html.escape(text)}</p>")


@cache
def _css() -> str:
    return files(__package__).joinpath("signature_lab.css").read_text("utf-8")


def lab_stylesheet() -> widgets.HTML:
    return widgets.HTML(f"<style>{_css()}</style>", layout=widgets.Layout(display="none"))


def full_width_button(label: str, on_click: Callable[[], None]) -> widgets.Button:
    button = widgets.Button(description=label, tooltip=label, layout=widgets.Layout(width="100%", height="auto"))
    button.on_click(lambda _button: on_click())
    return button


def output_area() -> widgets.HTML:
    out = widgets.HTML("")
    out.add_class("kns-lab-out")
    return out


# --- The widget ------------------------------------------------------------------------


class SignatureLab(widgets.VBox):
    """``SignatureLab(steps=("certificate", "sign", ...))``; all five steps by default.

    ``holder`` is the name on the learner's certificate ("" before step 1); ``signed_pdf``
    the document signed in step 2; ``verdicts`` the last verdict of each step.
    """

    holder = Unicode("")
    signed_pdf = Bytes(b"")

    def __init__(self, steps: Sequence[str] | None = None, **kwargs):
        steps = STEPS if steps is None else tuple(steps)
        unknown = [s for s in steps if s not in STEPS]
        if unknown or not steps:
            raise ValueError(t("signature_lab.bad_steps", steps=", ".join(STEPS)))
        self.signer: Signer | None = None
        self.verdicts: dict[str, Verdict] = {}
        self.outputs: dict[str, widgets.HTML] = {}
        builders = {
            "certificate": self._certificate_step,
            "sign": self._sign_step,
            "alter": self._alter_step,
            "others": self._others_step,
            "upload": self._upload_step,
        }
        notice = widgets.HTML(f"<p>{html.escape(t('signature_lab.training_notice'))}</p>")
        notice.add_class("kns-lab-notice")
        sections = [self._section(step, builders[step]()) for step in steps]
        super().__init__([stylesheet(), lab_stylesheet(), notice, *sections], **kwargs)
        self.add_class("kns-lab")

    # The CAs are made on first use only: a lesson page that never reaches the lab pays nothing.

    @cached_property
    def ca(self) -> TrainingCA:
        """The lab's training CA, the only root this lab trusts (the same in every lesson)."""
        return shared_training_ca()

    @cached_property
    def unknown_ca(self) -> TrainingCA:
        """A CA nobody told the verifier to trust: anyone can make one."""
        with tempfile.TemporaryDirectory(prefix="kns-lab-") as directory:
            return TrainingCA.create(directory, name=t("signature_lab.others.unknown_ca_name"))

    def verify(self, pdf: bytes) -> Verdict:
        return verify_pdf(pdf, [self.ca.root_certificate])

    def _section(self, step: str, children: list[widgets.Widget]) -> widgets.VBox:
        heading = widgets.HTML(f"<h3>{html.escape(t(f'signature_lab.steps.{step}'))}</h3>")
        self.outputs[step] = output_area()
        section = widgets.VBox([heading, *children, self.outputs[step]])
        section.add_class("kns-lab-step")
        return section

    def _show(self, step: str, content: str) -> None:
        self.outputs[step].value = content

    def _refuse(self, step: str, text: str) -> None:
        self._show(step, message_html(text))

    # Step 1: a certificate.

    def _certificate_step(self) -> list[widgets.Widget]:
        self.name_input = widgets.Text(
            value=t("signature_lab.certificate.default_name"),
            description=t("signature_lab.certificate.name_label"),
            style={"description_width": "initial"},
            layout=widgets.Layout(width="100%", flex_flow="column"),
        )
        self.issue_button = full_width_button(t("signature_lab.certificate.button"), self.issue_certificate)
        return [paragraph(t("signature_lab.certificate.intro")), self.name_input, self.issue_button]

    def issue_certificate(self) -> None:
        """Issue a certificate for the typed name; a bad name changes nothing."""
        name = " ".join(unicodedata.normalize("NFC", self.name_input.value).split())
        if not name:
            self._refuse("certificate", t("signature_lab.certificate.empty"))
            return
        # A certificate name holds 64 bytes of UTF-8: Vietnamese letters take 2 or 3 each.
        if len(name.encode("utf-8")) > MAX_NAME_BYTES:
            self._refuse("certificate", t("signature_lab.certificate.too_long"))
            return
        try:
            signer = self.ca.issue(name)
        except ValueError as error:
            self._refuse("certificate", str(error))
            return
        self.signer, self.holder = signer, signer.full_name
        self._show("certificate", certificate_html(signer))

    # Step 2: sign the sample document.

    def _sign_step(self) -> list[widgets.Widget]:
        self.sign_button = full_width_button(t("signature_lab.sign.button"), self.sign_document)
        return [paragraph(t("signature_lab.sign.intro")), self.sign_button]

    def _document_body(self) -> str:
        return t("signature_lab.sign.document_body", name=self.holder)

    def sign_document(self) -> None:
        """Sign the sample document with the learner's certificate and check it at once."""
        if self.signer is None:
            if "certificate" in self.outputs:
                self._refuse("sign", t("signature_lab.need_certificate"))
                return
            self.signer = self.ca.issue(t("signature_lab.certificate.default_name"))
            self.holder = self.signer.full_name
        document = make_document(t("signature_lab.sign.document_title"), self._document_body())
        reason, location = t("signature_lab.sign.reason"), t("signature_lab.sign.location")
        self.signed_pdf = sign_pdf(document, self.signer, reason=reason, location=location)
        verdict = self.verdicts["sign"] = self.verify(self.signed_pdf)
        self._show(
            "sign",
            f"<p>{html.escape(t('signature_lab.sign.fingerprint'))}</p>{fingerprint_html(sha256_hex(document))}"
            f"<p>{html.escape(t('signature_lab.sign.stamp_title'))}</p>{stamp_html(verdict, reason, location)}"
            + verdict_html(verdict)
            + pdf_link(self.signed_pdf, "van-ban-da-ky.pdf", t("signature_lab.sign.download")),
        )

    # Step 3: change one word, verify again.

    def _alter_step(self) -> list[widgets.Widget]:
        old, new = t("signature_lab.alter.old"), t("signature_lab.alter.new")
        self.alter_button = full_width_button(t("signature_lab.alter.button"), self.alter_and_verify)
        return [paragraph(t("signature_lab.alter.intro", old=old, new=new)), self.alter_button]

    def alter_and_verify(self) -> None:
        """Change the amount in the signed document and show why the signature now fails."""
        if not self.signed_pdf:
            self._refuse("alter", t("signature_lab.need_signed"))
            return
        old, new = t("signature_lab.alter.old"), t("signature_lab.alter.new")
        body = self._document_body()
        altered = alter_document(self.signed_pdf, t("signature_lab.sign.document_title"), body.replace(old, new))
        verdict = self.verdicts["alter"] = self.verify(altered)
        before, after = sha256_hex(body.encode()), sha256_hex(body.replace(old, new).encode())
        self._show(
            "alter",
            verdict_html(verdict)
            + f"<p>{html.escape(t('signature_lab.alter.hash_before'))}</p>{fingerprint_html(before)}"
            + f"<p>{html.escape(t('signature_lab.alter.hash_after'))}</p>{fingerprint_html(after, before)}"
            + f"<p>{html.escape(t('signature_lab.alter.hash_count', count=differing_digits(before, after)))}</p>"
            + f"<p>{html.escape(t('signature_lab.alter.explain'))}</p>"
            + pdf_link(altered, "van-ban-bi-sua.pdf", t("signature_lab.alter.download")),
        )

    # Step 4: a document from an unknown CA, one signed with an expired certificate.

    def _others_step(self) -> list[widgets.Widget]:
        self.unknown_button = full_width_button(t("signature_lab.others.unknown_button"), self.open_unknown)
        self.expired_button = full_width_button(t("signature_lab.others.expired_button"), self.open_expired)
        return [paragraph(t("signature_lab.others.intro")), self.unknown_button, self.expired_button]

    def _notice_document(self) -> bytes:
        return make_document(t("signature_lab.others.document_title"), t("signature_lab.others.document_body"))

    def open_unknown(self) -> None:
        """A convincing document whose certificate comes from a CA the verifier never trusted."""
        stranger = self.unknown_ca.issue(t("signature_lab.others.unknown_signer"))
        self._open_other("unknown", sign_pdf(self._notice_document(), stranger))

    def open_expired(self) -> None:
        """A document signed today with a certificate that ran out long ago."""
        start = datetime.now(timezone.utc) - timedelta(days=EXPIRED_DAYS_AGO)
        old = self.ca.issue(t("signature_lab.others.expired_signer"), valid_from=start, valid_days=EXPIRED_VALID_DAYS)
        self._open_other("expired", sign_pdf(self._notice_document(), old))

    def _open_other(self, case: str, pdf: bytes) -> None:
        verdict = self.verdicts[case] = self.verify(pdf)
        self._show("others", verdict_html(verdict) + f"<p>{html.escape(t(f'signature_lab.others.{case}_explain'))}</p>")

    # Step 5: the learner's own PDF.

    def _upload_step(self) -> list[widgets.Widget]:
        self.upload = widgets.FileUpload(
            accept=".pdf,application/pdf", multiple=False,
            description=t("signature_lab.upload.button"),
            layout=widgets.Layout(width="100%", height="auto"),
        )
        self.upload.observe(self._on_upload, names="value")
        intro = t("signature_lab.upload.intro", limit=MAX_UPLOAD_MB)
        return [paragraph(intro), self.upload, paragraph(t("signature_lab.upload.trust_note"))]

    def _on_upload(self, change) -> None:
        files_ = change["new"]
        if not files_:
            return
        chosen = files_[0]
        # Forget the bytes in the widget at once: the verdict is all the lab keeps.
        self.upload.value = ()
        self.check_file(chosen["name"], bytes(chosen["content"]))

    def check_file(self, name: str, content: bytes) -> None:
        """Verify an uploaded file; a file that is not a PDF or is too big is refused."""
        problem = upload_problem(name, content)
        if problem:
            self._refuse("upload", problem)
            return
        verdict = self.verdicts["upload"] = self.verify(content)
        self._show("upload", f"<p>{html.escape(t('signature_lab.upload.checking', name=name))}</p>" + verdict_html(verdict))


class FingerprintDemo(widgets.VBox):
    """Two texts and their SHA-256 fingerprints, updated as the learner types.

    The point it makes: change one character and most of the 64 digits change, so a
    fingerprint is a reliable stand-in for the whole document when signing.
    """

    original = Unicode("")
    changed = Unicode("")

    def __init__(self, original: str | None = None, changed: str | None = None, **kwargs):
        original = t("signature_lab.demo.original") if original is None else original
        changed = t("signature_lab.demo.changed") if changed is None else changed
        self.original_input = self._text_area(t("signature_lab.demo.original_label"), original)
        self.changed_input = self._text_area(t("signature_lab.demo.changed_label"), changed)
        self.output = output_area()
        for box in (self.original_input, self.changed_input):
            box.observe(lambda _change: self.refresh(), names="value")
        super().__init__(
            [stylesheet(), lab_stylesheet(), self.original_input, self.changed_input, self.output], **kwargs
        )
        self.add_class("kns-lab")
        self.add_class("kns-lab-step")
        self.refresh()

    @staticmethod
    def _text_area(label: str, value: str) -> widgets.Textarea:
        return widgets.Textarea(
            value=value, description=label, style={"description_width": "initial"},
            layout=widgets.Layout(width="100%", flex_flow="column"),
        )

    @property
    def differing(self) -> int:
        return differing_digits(sha256_hex(self.original.encode()), sha256_hex(self.changed.encode()))

    def refresh(self) -> None:
        """Recompute both fingerprints from what is typed now."""
        self.original, self.changed = self.original_input.value, self.changed_input.value
        first, second = sha256_hex(self.original.encode()), sha256_hex(self.changed.encode())
        summary = t("signature_lab.demo.same") if first == second else t(
            "signature_lab.demo.different", count=self.differing)
        self.output.value = (
            f"<p>{html.escape(t('signature_lab.demo.original_fingerprint'))}</p>{fingerprint_html(first)}"
            f"<p>{html.escape(t('signature_lab.demo.changed_fingerprint'))}</p>{fingerprint_html(second, first)}"
            f'<p role="status" aria-live="polite"><strong>{html.escape(summary)}</strong></p>'
        )
