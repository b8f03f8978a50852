"""The signature lab, driven the way a browser drives it: type into a box, click a button,
pick a file. Every verdict is a real ``verify_pdf`` result, checked independently here,
and every result must come with a Vietnamese explanation on screen.
"""

from __future__ import annotations

import html
import os
import tempfile
import unicodedata
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from kynangso.messages import t
from kynangso.pki import make_document, sign_pdf, verify_pdf
from kynangso.pki.ca import CA_FILES
from kynangso.widgets import SignatureLab
from kynangso.widgets.lab_ca import ENV_DIRECTORY, lab_ca_directory, shared_training_ca
from kynangso.widgets.signature_lab import MAX_UPLOAD_BYTES, STEPS, upload_problem

LEARNER = "Nguyễn Thị Ánh Tuyết"  # invented; diacritics on purpose


def shown(lab: SignatureLab, step: str) -> str:
    """What the learner reads under a step, as text."""
    return html.unescape(lab.outputs[step].value)


def pick_file(lab: SignatureLab, name: str, content: bytes, mime: str = "application/pdf") -> None:
    """What the browser sends when a file is chosen in the FileUpload button."""
    chosen = {"name": name, "type": mime, "size": len(content), "content": memoryview(content),
              "last_modified": datetime.now(timezone.utc)}
    lab.upload.value = (chosen,)


def _plain_pdf() -> bytes:
    return make_document("Giấy mời họp", "Mời bà con đến họp thôn lúc 8 giờ.")


def assert_explained(text: str, verdict_key: str, *reason_parts: str) -> None:
    assert t(f"signature_lab.verdict.{verdict_key}") in text
    assert t("signature_lab.verdict.why") in text
    for part in reason_parts:
        assert part in text
    assert unicodedata.is_normalized("NFC", text)


@pytest.fixture(scope="module")
def signed_lab() -> SignatureLab:
    """A lab where the learner has a certificate and has signed the sample document.

    Shared by the tests below; each of them only adds its own step's result.
    """
    lab = SignatureLab()
    lab.name_input.value = f"  {LEARNER} "
    lab.issue_button.click()
    lab.sign_button.click()
    return lab


# ---------------------------------------------------------------- steps 1 and 2

def test_the_certificate_carries_the_typed_name_and_shows_its_chain(signed_lab):
    assert signed_lab.holder == LEARNER
    cert = shown(signed_lab, "certificate")
    assert t("signature_lab.certificate.issued", name=LEARNER) in cert
    for label in ("Chủ thể", "Đơn vị cấp", "Hiệu lực từ", "Hiệu lực đến", "Dấu vân tay SHA-256"):
        assert label in cert
    assert "CHỈ DÙNG ĐỂ HỌC TẬP" in cert, "the certificate must say it is for training only"
    assert t("signature_lab.certificate.chain_title") in cert
    assert t("signature_lab.certificate.chain_you", name=LEARNER) in cert
    assert signed_lab.signer.full_name == LEARNER


def test_signing_gives_a_valid_signature_that_an_outside_check_confirms(signed_lab):
    verdict = signed_lab.verdicts["sign"]
    assert verdict.valid and verdict.intact and verdict.trusted and not verdict.expired
    assert verdict.signer == LEARNER
    # Checked again here, outside the widget, against the lab's own root.
    again = verify_pdf(signed_lab.signed_pdf, [signed_lab.ca.root_certificate])
    assert again.valid and again.signer == LEARNER
    text = shown(signed_lab, "sign")
    assert_explained(text, "valid", t("signature_lab.verdict.signer", name=LEARNER))
    assert t("signature_lab.sign.fingerprint") in text and "Ký số bởi: " + LEARNER in text
    assert 'download="van-ban-da-ky.pdf"' in signed_lab.outputs["sign"].value


# ---------------------------------------------------------------- steps 3 and 4

def test_changing_one_word_breaks_the_signature_and_says_why(signed_lab):
    before = bytes(signed_lab.signed_pdf)
    signed_lab.alter_button.click()
    verdict = signed_lab.verdicts["alter"]
    assert not verdict.valid and not verdict.intact
    assert verdict.trusted and not verdict.expired, "only the content changed"
    assert signed_lab.signed_pdf == before, "the learner's own signed document is not touched"
    text = shown(signed_lab, "alter")
    assert_explained(text, "invalid", t("signature_lab.verdict.intact_no"), *verdict.reasons)
    assert t("signature_lab.alter.explain") in text and "trên 64 ký tự" in text
    assert "<mark>" in signed_lab.outputs["alter"].value, "the changed fingerprint digits are marked"


def test_a_document_from_an_unknown_ca_is_untrusted_and_explained(signed_lab):
    signed_lab.unknown_button.click()
    verdict = signed_lab.verdicts["unknown"]
    assert not verdict.valid and verdict.intact and not verdict.trusted
    assert verdict.signer == t("signature_lab.others.unknown_signer")
    text = shown(signed_lab, "others")
    assert_explained(text, "invalid", t("signature_lab.verdict.trusted_no"), *verdict.reasons,
                     t("signature_lab.others.unknown_explain"))


def test_a_document_signed_with_an_expired_certificate_is_explained(signed_lab):
    signed_lab.expired_button.click()
    verdict = signed_lab.verdicts["expired"]
    assert not verdict.valid and verdict.intact and verdict.trusted and verdict.expired
    text = shown(signed_lab, "others")
    assert_explained(text, "invalid", t("signature_lab.verdict.current_no"), *verdict.reasons,
                     t("signature_lab.others.expired_explain"))
    assert t("signature_lab.others.unknown_explain") not in text, "the screen shows one case at a time"


# ---------------------------------------------------------------- step 5: the learner's own file

def test_uploading_the_signed_pdf_passes_and_the_bytes_are_not_kept(signed_lab):
    pick_file(signed_lab, "van-ban-da-ky.pdf", bytes(signed_lab.signed_pdf))
    verdict = signed_lab.verdicts["upload"]
    assert verdict.valid and verdict.signer == LEARNER
    text = shown(signed_lab, "upload")
    assert t("signature_lab.upload.checking", name="van-ban-da-ky.pdf") in text
    assert_explained(text, "valid", *verdict.reasons)
    assert signed_lab.upload.value == (), "the uploaded bytes are dropped at once"


def test_an_uploaded_pdf_signed_elsewhere_is_checked_for_real(signed_lab):
    stranger = signed_lab.unknown_ca.issue("Đỗ Văn Lực")
    pdf = sign_pdf(_plain_pdf(), stranger)
    pick_file(signed_lab, "cua-toi.pdf", pdf)
    verdict = signed_lab.verdicts["upload"]
    assert not verdict.valid and not verdict.trusted and verdict.signer == "Đỗ Văn Lực"
    assert_explained(shown(signed_lab, "upload"), "invalid", t("signature_lab.verdict.trusted_no"))
    # An unsigned PDF is a PDF too: it is checked and the reason says there is no signature.
    pick_file(signed_lab, "chua-ky.pdf", _plain_pdf())
    unsigned = signed_lab.verdicts["upload"]
    assert not unsigned.valid and unsigned.reasons
    assert_explained(shown(signed_lab, "upload"), "invalid", *unsigned.reasons)


@pytest.mark.parametrize(("name", "content", "mime", "message"), [
    ("anh-chup.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 2000, "image/jpeg",
     t("signature_lab.upload.not_pdf", name="anh-chup.jpg")),
    ("gia-pdf.pdf", b"Day khong phai PDF", "application/pdf", t("signature_lab.upload.not_pdf", name="gia-pdf.pdf")),
    ("rong.pdf", b"", "application/pdf", t("signature_lab.upload.empty", name="rong.pdf")),
    ("qua-lon.pdf", b"%PDF-1.7\n" + b"0" * MAX_UPLOAD_BYTES, "application/pdf",
     "Tệp «qua-lon.pdf» nặng 5,1 MB, quá giới hạn 5 MB. Hãy chọn tệp nhỏ hơn."),
], ids=["photo", "text-named-pdf", "empty", "over-limit"])
def test_a_file_that_cannot_be_checked_is_refused_and_changes_nothing(signed_lab, name, content, mime, message):
    pick_file(signed_lab, "van-ban-da-ky.pdf", bytes(signed_lab.signed_pdf))
    before = dict(signed_lab.verdicts)
    others = {step: out.value for step, out in signed_lab.outputs.items() if step != "upload"}
    signed = bytes(signed_lab.signed_pdf)
    pick_file(signed_lab, name, content, mime)
    assert 'role="alert"' in signed_lab.outputs["upload"].value
    assert message in shown(signed_lab, "upload")
    assert t("signature_lab.verdict.valid") not in shown(signed_lab, "upload"), "no verdict for a refused file"
    assert signed_lab.verdicts == before, "a refused file leaves every verdict as it was"
    assert {s: o.value for s, o in signed_lab.outputs.items() if s != "upload"} == others
    assert signed_lab.signed_pdf == signed and signed_lab.upload.value == ()


# ---------------------------------------------------------------- order of steps, bad input

def test_steps_out_of_order_are_refused_with_the_step_to_do_first():
    lab = SignatureLab()
    lab.sign_button.click()
    assert lab.signed_pdf == b"" and lab.signer is None
    assert t("signature_lab.need_certificate") in shown(lab, "sign")
    lab.alter_button.click()
    assert "alter" not in lab.verdicts and t("signature_lab.need_signed") in shown(lab, "alter")


@pytest.mark.parametrize(("typed", "key"), [
    ("", "empty"), ("   ", "empty"),
    ("Nguyễn Thị Minh Khai Nguyễn Thị Minh Khai Nguyễn Thị Minh", "too_long"),
])
def test_a_bad_name_is_refused_in_vietnamese_and_issues_nothing(typed, key):
    lab = SignatureLab(steps=["certificate", "sign"])
    lab.name_input.value = typed
    lab.issue_button.click()
    assert lab.holder == "" and lab.signer is None
    assert t(f"signature_lab.certificate.{key}") in shown(lab, "certificate")
    lab.sign_button.click()
    assert lab.signed_pdf == b"", "no certificate, no signature"


def test_a_name_typed_in_decomposed_unicode_is_stored_composed():
    lab = SignatureLab(steps=["certificate"])
    lab.name_input.value = unicodedata.normalize("NFD", "Lê Thị Ngọc Ánh")
    lab.issue_button.click()
    assert lab.holder == "Lê Thị Ngọc Ánh" and unicodedata.is_normalized("NFC", lab.signer.full_name)


def test_a_lesson_without_the_certificate_step_signs_with_an_invented_name():
    lab = SignatureLab(steps=["sign", "alter"])
    lab.sign_button.click()
    assert lab.holder == t("signature_lab.certificate.default_name") and lab.verdicts["sign"].valid


def test_unknown_steps_are_refused_in_vietnamese():
    with pytest.raises(ValueError, match="chỉ có các bước"):
        SignatureLab(steps=["certificate", "hack"])
    with pytest.raises(ValueError):
        SignatureLab(steps=[])
    assert STEPS == ("certificate", "sign", "alter", "others", "upload")


def test_upload_problem_reads_only_the_header_and_the_size():
    assert upload_problem("a.pdf", b"%PDF-1.7 ...") is None
    assert upload_problem("a.pdf", b" " * 1000 + b"%PDF-1.4") is None, "the header may start late"
    assert upload_problem("a.pdf", b" " * 1100 + b"%PDF-1.4") is not None
    assert "nặng 5,1 MB" in upload_problem("a.pdf", b"%PDF-" + b"0" * MAX_UPLOAD_BYTES), "never «5,0 MB, over 5 MB»"
    assert "nặng 6,0 MB" in upload_problem("a.pdf", b"%PDF-" + b"0" * (6 * 1024 * 1024))


def test_nothing_the_learner_types_or_uploads_is_written_to_disk(tmp_path, monkeypatch):
    """The whole journey leaves only the shared training CA behind, with no trace of the learner."""
    work, temp, ca = tmp_path / "work", tmp_path / "temp", tmp_path / "ca"
    work.mkdir(), temp.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv(ENV_DIRECTORY, str(ca))
    lab = SignatureLab(steps=["certificate", "sign", "upload"])
    lab.name_input.value = "Hà Văn Bí Mật"
    lab.issue_button.click()
    lab.sign_button.click()
    pick_file(lab, "bi-mat.pdf", bytes(lab.signed_pdf))
    pick_file(lab, "bi-mat.txt", b"noi dung bi mat", "text/plain")
    assert lab.verdicts["upload"].valid
    left = sorted(Path(root, name) for root, _dirs, names in os.walk(tmp_path) for name in names)
    assert [p.relative_to(tmp_path).as_posix() for p in left] == sorted(f"ca/{f}" for f in CA_FILES)
    for path in left:
        data = path.read_bytes()
        assert "Bí Mật".encode() not in data and b"bi-mat" not in data
    assert all(oct(p.stat().st_mode)[-3:] == "600" for p in left if p.name.endswith("-key.pem"))


# ---------------------------------------------------------------- the shared training CA

def test_a_document_signed_in_one_lesson_verifies_in_the_next():
    """Two labs (two lesson pages, two kernels) trust the same training CA."""
    first = SignatureLab(steps=["certificate", "sign"])
    first.name_input.value = "Vũ Thị Hạnh"
    first.issue_button.click()
    first.sign_button.click()
    second = SignatureLab(steps=["upload"])
    pick_file(second, "van-ban-da-ky.pdf", bytes(first.signed_pdf))
    assert second.verdicts["upload"].valid and second.verdicts["upload"].signer == "Vũ Thị Hạnh"
    assert second.ca.root_certificate == first.ca.root_certificate


def test_the_shared_ca_is_made_once_and_then_loaded(tmp_path):
    made = shared_training_ca(tmp_path / "ca")
    again = shared_training_ca(tmp_path / "ca")
    assert made.root_certificate == again.root_certificate
    assert sorted(p.name for p in (tmp_path / "ca").iterdir()) == sorted(CA_FILES)
    assert [p.name for p in tmp_path.iterdir()] == ["ca"], "no staging folder is left behind"


def test_the_default_folder_changes_every_four_years_so_the_ca_never_runs_out(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_DIRECTORY)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert lab_ca_directory(date(2026, 12, 2)) == tmp_path / "kynangso" / "lab-training-ca-2024"
    assert lab_ca_directory(date(2027, 12, 31)).name == "lab-training-ca-2024"
    assert lab_ca_directory(date(2028, 1, 1)).name == "lab-training-ca-2028"
    monkeypatch.setenv(ENV_DIRECTORY, str(tmp_path / "here"))
    assert lab_ca_directory(date(2031, 1, 1)) == tmp_path / "here"


def test_without_a_usable_folder_the_lab_still_works_with_a_private_ca(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    ca = shared_training_ca(blocker / "ca")  # cannot be created under a file
    signer = ca.issue("Đinh Văn Tâm")
    assert verify_pdf(sign_pdf(_plain_pdf(), signer), [ca.root_certificate]).valid
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    for name in CA_FILES:
        (corrupt / name).write_text("hỏng")
    assert shared_training_ca(corrupt).issue("Đinh Văn Tâm").full_name == "Đinh Văn Tâm"
    assert (corrupt / CA_FILES[0]).read_text() == "hỏng", "a broken CA folder is left for a person to look at"
