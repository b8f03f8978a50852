"""The training PKI, end to end on the real stack: cryptography, pyHanko, poppler's pdfsig."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import stat
import subprocess
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from io import BytesIO

import pytest
from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID
from fontTools.ttLib import TTFont
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer

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
from kynangso.pki.ca import CA_FILES, INTERMEDIATE_CERT, ROOT_KEY
from kynangso.pki.typeface import FONT_FILE

NHUNG = "Nguyễn Thị Hồng Nhung"
UOC = "Đặng Văn Ước"
CCCD = "001175012345"
TITLE = "Đơn đề nghị cấp bản sao trích lục khai sinh"
BODY = (
    "Kính gửi: Ủy ban nhân dân xã Phú Mỹ.\n"
    "Tôi tên là Nguyễn Thị Hồng Nhung, đề nghị được cấp 02 bản sao trích lục khai sinh "
    "để bổ sung hồ sơ nhập học cho con.\n"
    "Lệ phí đã nộp: 500.000 đồng."
)
PDFSIG = "/usr/bin/pdfsig"
CERTUTIL = "/usr/bin/certutil"


# --- fixtures: one CA (and one stranger CA) for the whole module ---------------------------


@pytest.fixture(scope="module")
def ca(tmp_path_factory) -> TrainingCA:
    return TrainingCA.create(tmp_path_factory.mktemp("ca") / "ca")


@pytest.fixture(scope="module")
def stranger_ca(tmp_path_factory) -> TrainingCA:
    return TrainingCA.create(tmp_path_factory.mktemp("stranger") / "ca", "Nơi cấp lạ")


@pytest.fixture(scope="module")
def nhung(ca) -> Signer:
    return ca.issue(NHUNG, cccd=CCCD)


@pytest.fixture(scope="module")
def document() -> bytes:
    return make_document(TITLE, BODY)


@pytest.fixture(scope="module")
def signed(document, nhung) -> bytes:
    return sign_pdf(document, nhung)


@pytest.fixture(scope="module")
def expired_signer(ca) -> Signer:
    return ca.issue(UOC, valid_from=datetime.now(timezone.utc) - timedelta(days=400), valid_days=30)


# --- helpers: read what a PDF really shows, glyph by glyph ---------------------------------

_FONT = TTFont(str(FONT_FILE))
_CMAP = _FONT.getBestCmap()


def glyph_hex(text: str) -> bytes:
    """How pyHanko writes ``text`` in a content stream: DejaVu glyph ids, 4 hex digits each."""
    return "".join(f"{_FONT.getGlyphID(_CMAP[ord(char)]):04x}" for char in text).encode()


def _cids(hex_strings: str) -> list[int]:
    digits = "".join(re.findall(r"<([0-9a-fA-F]*)>", hex_strings))
    return [int(digits[i : i + 4], 16) for i in range(0, len(digits), 4)]


def shown_lines(stream: generic.StreamObject) -> list[tuple[str, list[int]]]:
    """(font resource name, glyph ids) for every TJ in a content stream, in order."""
    lines, font = [], None
    for match in re.finditer(rb"/(\w+)\s+[\d.]+\s+Tf|\[((?:<[0-9a-fA-F]*>|[-\d.\s])*)\]\s*TJ", stream.data):
        if match.group(1):
            font = match.group(1).decode()
        else:
            lines.append((font, _cids(match.group(2).decode())))
    return lines


def tounicode_map(font: generic.DictionaryObject) -> dict[int, str]:
    """The font's ToUnicode CMap (bfchar and bfrange entries) as glyph id → text."""
    cmap = font["/ToUnicode"].data.decode("ascii")
    mapping: dict[int, str] = {}

    def text(hex_digits: str) -> str:
        return bytes.fromhex(hex_digits).decode("utf-16-be")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for source, target in re.findall(r"<(\w+)>\s*<(\w+)>", block):
            mapping[int(source, 16)] = text(target)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for start, _end, targets in re.findall(r"<(\w+)>\s*<(\w+)>\s*\[([^\]]*)\]", block):
            for offset, target in enumerate(re.findall(r"<(\w+)>", targets)):
                mapping[int(start, 16) + offset] = text(target)
    return mapping


def embedded_program_map(font: generic.DictionaryObject) -> dict[int, str]:
    """Glyph id → character according to the embedded font program's own cmap."""
    descriptor = font["/DescendantFonts"][0]["/FontDescriptor"]
    program = TTFont(BytesIO(descriptor["/FontFile2"].data))
    return {program.getGlyphID(name): chr(code) for code, name in program.getBestCmap().items()}


def decoded_lines(stream: generic.StreamObject, mapper) -> list[str]:
    fonts = stream["/Resources"]["/Font"]
    decoded = []
    for font_name, cids in shown_lines(stream):
        mapping = mapper(fonts[f"/{font_name}"])
        decoded.append("".join(mapping[cid] for cid in cids))
    return decoded


def signature_appearance(pdf: bytes) -> generic.StreamObject:
    reader = PdfFileReader(BytesIO(pdf))
    return reader.embedded_regular_signatures[0].sig_field["/AP"]["/N"]


def page_content(pdf: bytes) -> generic.StreamObject:
    reader = PdfFileReader(BytesIO(pdf))
    page = reader.root["/Pages"]["/Kids"][0]
    content = page["/Contents"]
    content["/Resources"] = page["/Resources"]  # so decoded_lines finds the fonts
    return content


def fee_raised_incrementally(pdf: bytes) -> bytes:
    """A learner's edit after signing: the page content rewritten in an incremental update.

    The fee becomes 200.000: the font subset only holds glyphs the document already used."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    page_ref, _ = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    edited = page["/Contents"].data.replace(glyph_hex("500"), glyph_hex("200"))
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=edited))
    writer.update_container(page)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def fee_raised_in_place(pdf: bytes) -> bytes:
    """The same edit made by overwriting bytes of the signed file."""
    assert pdf.count(glyph_hex("500")) == 1
    return pdf.replace(glyph_hex("500"), glyph_hex("200"))


def pdftotext(pdf: bytes, *options: str) -> str:
    result = subprocess.run(
        ["pdftotext", *options, "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


# --- the certificate authority -------------------------------------------------------------


def test_ca_is_two_levels_and_says_training_only(ca):
    root, intermediate = ca.root_certificate, ca.intermediate_certificate
    assert isinstance(root, x509.Certificate)
    assert root.subject == root.issuer
    intermediate.verify_directly_issued_by(root)
    for certificate in (root, intermediate):
        units = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
        assert [u.value for u in units] == ["CHỈ DÙNG ĐỂ HỌC TẬP – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"]
        organisation = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
        assert [o.value for o in organisation] == ["Kỹ Năng Số (đào tạo)"]
        assert certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        assert certificate.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign


def test_private_keys_are_readable_by_owner_only(ca):
    for name in ("root-key.pem", "intermediate-key.pem"):
        assert stat.S_IMODE(os.stat(ca.directory / name).st_mode) == 0o600, name


def test_load_round_trip_issues_certificates_the_original_root_trusts(ca, document):
    loaded = TrainingCA.load(ca.directory)
    assert loaded.root_certificate == ca.root_certificate
    assert loaded.intermediate_certificate == ca.intermediate_certificate
    signed = sign_pdf(document, loaded.issue(UOC))
    assert verify_pdf(signed, [ca.root_certificate]).valid


def test_load_or_create_reopens_an_existing_ca(ca, tmp_path):
    assert TrainingCA.load_or_create(ca.directory).root_certificate == ca.root_certificate
    fresh = TrainingCA.load_or_create(tmp_path / "new")
    assert fresh.root_certificate != ca.root_certificate
    assert (tmp_path / "new" / "root.pem").exists()


def test_create_refuses_to_overwrite_a_ca(ca):
    before = (ca.directory / "root.pem").read_bytes()
    with pytest.raises(ValueError) as error:
        TrainingCA.create(ca.directory)
    assert str(error.value) == t("pki.ca.already_exists", directory=ca.directory)
    assert (ca.directory / "root.pem").read_bytes() == before


def test_load_reports_a_missing_file_in_vietnamese(tmp_path):
    with pytest.raises(ValueError) as error:
        TrainingCA.load(tmp_path)
    assert str(error.value) == t("pki.ca.missing_file", path=tmp_path / "root.pem")


@pytest.mark.parametrize("damaged", [ROOT_KEY, INTERMEDIATE_CERT])
def test_load_reports_a_corrupt_file_in_vietnamese(ca, tmp_path, damaged):
    for name in CA_FILES:
        shutil.copy(ca.directory / name, tmp_path / name)
    (tmp_path / damaged).write_text("-----BEGIN CERTIFICATE-----\nhỏng\n-----END CERTIFICATE-----\n")
    with pytest.raises(ValueError) as error:
        TrainingCA.load(tmp_path)
    assert str(error.value) == t("pki.ca.corrupt_file", path=tmp_path / damaged)


def test_load_rejects_files_from_two_different_cas(ca, stranger_ca, tmp_path):
    for name in CA_FILES:
        shutil.copy(ca.directory / name, tmp_path / name)
    shutil.copy(stranger_ca.directory / INTERMEDIATE_CERT, tmp_path / INTERMEDIATE_CERT)
    with pytest.raises(ValueError) as error:
        TrainingCA.load(tmp_path)
    assert str(error.value) == t("pki.ca.mismatch", directory=tmp_path)


# --- issuing signing certificates ----------------------------------------------------------


@pytest.mark.parametrize("name", [NHUNG, UOC])
def test_vietnamese_names_survive_exactly_as_utf8(ca, name):
    signer = ca.issue(unicodedata.normalize("NFD", name))  # decomposed input comes out NFC
    assert signer.full_name == name
    [common_name] = signer.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    assert common_name.value == name
    der = signer.certificate.public_bytes(serialization.Encoding.DER)
    parsed = asn1_x509.Certificate.load(der)
    [attribute] = [a for rdn in parsed.subject.chosen for a in rdn if a["type"].native == "common_name"]
    assert attribute["value"].name == "utf8_string"
    assert attribute["value"].chosen.native == name
    assert name.encode("utf-8") in der


def test_signing_certificate_profile(ca, nhung):
    extensions = nhung.certificate.extensions
    usage = extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    assert extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    issuer_ski = ca.intermediate_certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    aki = extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    assert aki.key_identifier == issuer_ski.value.digest
    assert extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    assert nhung.chain == (ca.intermediate_certificate, ca.root_certificate)
    nhung.certificate.verify_directly_issued_by(ca.intermediate_certificate)


def test_cccd_goes_into_the_subject(nhung):
    assert nhung.cccd == CCCD
    [serial] = nhung.certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    assert serial.value == f"CCCD:{CCCD}"


@pytest.mark.parametrize("cccd", ["12345", "0011750123456", "00117501234a", "", "٠٠١١٧٥٠١٢٣٤٥"])
def test_bad_cccd_is_refused_in_vietnamese(ca, cccd):
    with pytest.raises(ValueError) as error:
        ca.issue(NHUNG, cccd=cccd)
    assert str(error.value) == t("pki.issue.bad_cccd", cccd=cccd)


@pytest.mark.parametrize("name", ["", "   ", "A" * 65])
def test_bad_name_is_refused_in_vietnamese(ca, name):
    with pytest.raises(ValueError, match="Họ và tên phải có từ 1 đến 64 ký tự"):
        ca.issue(name)


@pytest.mark.parametrize("days", [0, -5, 1.5, True])
def test_bad_validity_is_refused_in_vietnamese(ca, days):
    with pytest.raises(ValueError) as error:
        ca.issue(NHUNG, valid_days=days)
    assert str(error.value) == t("pki.issue.bad_days", days=days)


def test_validity_window_follows_the_request(ca):
    start = datetime(2024, 1, 15, 8, 0, tzinfo=timezone.utc)
    signer = ca.issue(UOC, valid_from=start, valid_days=10)
    assert signer.valid_from == start
    assert signer.valid_until == start + timedelta(days=10)
    naive = ca.issue(UOC, valid_from=start.replace(tzinfo=None), valid_days=10)
    assert naive.valid_from == start  # a naive time is read as UTC


def test_describe_certificate_uses_vietnamese_labels(nhung):
    described = describe_certificate(nhung.certificate)
    assert list(described) == [
        "Chủ thể", "Đơn vị cấp", "Hiệu lực từ", "Hiệu lực đến", "Số sê-ri", "Dấu vân tay SHA-256",
    ]
    assert described["Chủ thể"].startswith(f"{NHUNG}, CCCD:{CCCD}, ")
    assert described["Đơn vị cấp"].startswith("Kỹ Năng Số – CA cấp chứng thư đào tạo")
    fingerprint = nhung.certificate.fingerprint(hashes.SHA256())
    assert described["Dấu vân tay SHA-256"].replace(":", "").lower() == fingerprint.hex()
    assert int(described["Số sê-ri"].replace(":", ""), 16) == nhung.certificate.serial_number
    vietnam_start = nhung.valid_from.astimezone(timezone(timedelta(hours=7)))
    assert described["Hiệu lực từ"] == vietnam_start.strftime("%d/%m/%Y %H:%M (giờ Việt Nam)")
    assert nhung.describe() == described


def test_sha256_hex_matches_the_standard_vector():
    assert sha256_hex(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


# --- documents -----------------------------------------------------------------------------


def test_document_text_extracts_with_diacritics(document):
    text = pdftotext(document)
    assert TITLE in text
    assert "Kính gửi: Ủy ban nhân dân xã Phú Mỹ." in text
    assert "Lệ phí đã nộp: 500.000 đồng." in text
    assert unicodedata.is_normalized("NFC", text)


def test_document_glyphs_spell_the_text(document):
    lines = decoded_lines(page_content(document), embedded_program_map)
    assert lines[0] == TITLE
    assert lines[-1] == "Lệ phí đã nộp: 500.000 đồng."


def test_document_lines_stay_inside_the_page(document):
    """Text drawn at the wrong glyph scale would run off the right edge of the A4 page."""
    boxes = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', pdftotext(document, "-bbox"))
    assert len(boxes) >= 4  # pyHanko marks each line as one span (ActualText)
    assert min(float(x_min) for x_min, _ in boxes) == pytest.approx(57, abs=1)
    right_edges = [float(x_max) for _, x_max in boxes]
    assert max(right_edges) <= 595.28 - 57 + 1
    assert max(right_edges) > 595.28 - 57 - 60  # long paragraphs do fill the line


def test_document_refuses_empty_title_and_overlong_body():
    with pytest.raises(ValueError) as error:
        make_document("  ", BODY)
    assert str(error.value) == t("pki.document.empty_title")
    with pytest.raises(ValueError) as error:
        make_document(TITLE, "Một dòng rất dài. " * 600)
    assert str(error.value) == t("pki.document.too_long")


# --- signing -------------------------------------------------------------------------------


def test_round_trip_sign_and_verify(signed, ca):
    verdict = verify_pdf(signed, [ca.root_certificate])
    assert verdict == Verdict(
        valid=True, intact=True, trusted=True, expired=False,
        signer=NHUNG, signed_at=verdict.signed_at, reasons=[t("pki.verify.ok", signer=NHUNG)],
    )
    assert abs(datetime.now(timezone.utc) - verdict.signed_at) < timedelta(minutes=5)


def test_signature_is_pades(signed):
    [signature] = PdfFileReader(BytesIO(signed)).embedded_regular_signatures
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.sig_object["/Reason"] == t("pki.sign.default_reason")
    assert signature.sig_object["/Location"] == t("pki.sign.default_location")


def test_visible_box_glyphs_map_back_to_the_name(signed):
    appearance = signature_appearance(signed)
    through_tounicode = decoded_lines(appearance, tounicode_map)
    through_font_program = decoded_lines(appearance, embedded_program_map)
    assert through_tounicode[0] == f"Ký số bởi: {NHUNG}"
    assert through_font_program == through_tounicode
    assert through_tounicode[2:] == [
        f"Lý do: {t('pki.sign.default_reason')}", "Nơi ký: Việt Nam", "CHỈ DÙNG ĐỂ HỌC TẬP",
    ]
    assert f"Ký số bởi: {NHUNG}" in pdftotext(signed)  # and poppler shows the same


def test_custom_reason_and_location_are_shown_literally(document, nhung, ca):
    signed = sign_pdf(document, nhung, reason="Duyệt 100% nội dung", location="Xã Phú Mỹ")
    lines = decoded_lines(signature_appearance(signed), embedded_program_map)
    assert lines[2:4] == ["Lý do: Duyệt 100% nội dung", "Nơi ký: Xã Phú Mỹ"]
    assert verify_pdf(signed, [ca.root_certificate]).valid


def test_two_signatures_on_one_document(signed, ca):
    second = ca.issue(UOC)
    twice = sign_pdf(signed, second)
    names = [s.field_name for s in PdfFileReader(BytesIO(twice)).embedded_regular_signatures]
    assert names == ["ChuKySo1", "ChuKySo2"]
    verdict = verify_pdf(twice, [ca.root_certificate])
    assert verdict.valid
    assert verdict.signer == f"{NHUNG}, {UOC}"


@pytest.mark.parametrize("not_a_pdf", [b"", b"garbage", b"%PDF-1.7\nnot really\n%%EOF"])
def test_signing_something_that_is_not_a_pdf_is_refused(nhung, not_a_pdf):
    with pytest.raises(ValueError) as error:
        sign_pdf(not_a_pdf, nhung)
    assert str(error.value) == t("pki.sign.not_pdf")


def test_signing_a_password_protected_pdf_is_refused(document, nhung):
    writer = copy_into_new_writer(PdfFileReader(BytesIO(document)))
    writer.encrypt("chủ sở hữu", "người đọc")
    encrypted = BytesIO()
    writer.write(encrypted)
    with pytest.raises(ValueError) as error:
        sign_pdf(encrypted.getvalue(), nhung)
    assert str(error.value) == t("pki.sign.cannot_sign")


def test_signing_and_verifying_work_inside_a_running_event_loop(document, nhung, ca):
    """Jupyter runs cells and widget callbacks while an asyncio loop is running."""

    async def in_a_kernel():
        return verify_pdf(sign_pdf(document, nhung), [ca.root_certificate])

    # A thread of its own: earlier browser tests leave Playwright's loop on the main thread.
    with ThreadPoolExecutor(max_workers=1) as thread:
        assert thread.submit(asyncio.run, in_a_kernel()).result().valid


# --- verification failures -----------------------------------------------------------------


def test_edit_by_incremental_update_is_not_valid(signed, ca):
    edited = fee_raised_incrementally(signed)
    assert decoded_lines(page_content(edited), embedded_program_map)[-1] == "Lệ phí đã nộp: 200.000 đồng."
    verdict = verify_pdf(edited, [ca.root_certificate])
    assert (verdict.valid, verdict.intact, verdict.trusted, verdict.expired) == (False, False, True, False)
    assert verdict.signer == NHUNG
    assert verdict.reasons == [t("pki.verify.modified_after")]


def test_edit_of_the_signed_bytes_is_not_valid(signed, ca):
    edited = fee_raised_in_place(signed)
    assert decoded_lines(page_content(edited), embedded_program_map)[-1] == "Lệ phí đã nộp: 200.000 đồng."
    verdict = verify_pdf(edited, [ca.root_certificate])
    assert (verdict.valid, verdict.intact, verdict.trusted) == (False, False, True)
    assert verdict.reasons == [t("pki.verify.altered")]


def test_signature_from_an_untrusted_ca_is_not_valid(signed, stranger_ca):
    verdict = verify_pdf(signed, [stranger_ca.root_certificate])
    assert (verdict.valid, verdict.intact, verdict.trusted, verdict.expired) == (False, True, False, False)
    assert verdict.reasons == [t("pki.verify.untrusted")]
    assert verify_pdf(signed, []).trusted is False


def test_expired_certificate_is_not_valid(document, expired_signer, ca):
    verdict = verify_pdf(sign_pdf(document, expired_signer), [ca.root_certificate])
    assert (verdict.valid, verdict.intact, verdict.trusted, verdict.expired) == (False, True, True, True)
    assert verdict.signer == UOC
    assert verdict.reasons == [t("pki.verify.expired")]


def test_certificate_not_yet_valid_counts_as_expired(document, ca):
    future = ca.issue(UOC, valid_from=datetime.now(timezone.utc) + timedelta(days=3))
    verdict = verify_pdf(sign_pdf(document, future), [ca.root_certificate])
    assert (verdict.valid, verdict.expired, verdict.trusted) == (False, True, True)


@pytest.mark.parametrize("garbage", [b"", b"garbage", os.urandom(4096), b"%PDF-1.7\n%%EOF", None, "text"])
def test_garbage_gives_a_verdict_not_an_exception(garbage, ca):
    verdict = verify_pdf(garbage, [ca.root_certificate])
    assert not verdict.valid and not verdict.intact
    assert verdict.reasons == [t("pki.verify.not_pdf")]


def test_a_lone_root_certificate_counts_as_a_list_of_one(signed, ca):
    assert verify_pdf(signed, ca.root_certificate).valid
    assert verify_pdf(signed, (ca.root_certificate,)).valid


@pytest.mark.parametrize("roots", [None, "root.pem", b"root", 42, [None], ["root.pem"], [object()]])
def test_bad_trust_roots_are_explained_not_blamed_on_the_document(signed, ca, roots):
    verdict = verify_pdf(signed, roots)
    assert not verdict.valid
    assert verdict.reasons == [t("pki.verify.bad_trust_roots")]


def test_no_trust_roots_means_untrusted(signed):
    verdict = verify_pdf(signed, [])
    assert (verdict.valid, verdict.intact, verdict.trusted) == (False, True, False)
    assert verdict.reasons == [t("pki.verify.untrusted")]


def test_unsigned_pdf_is_not_valid(document, ca):
    verdict = verify_pdf(document, [ca.root_certificate])
    assert not verdict.valid
    assert verdict.signer is None and verdict.signed_at is None
    assert verdict.reasons == [t("pki.verify.unsigned")]


@pytest.mark.parametrize("kept", [0.5, 0.9, 0.999])
def test_truncated_file_is_not_valid(signed, ca, kept):
    verdict = verify_pdf(signed[: int(len(signed) * kept)], [ca.root_certificate])
    assert not verdict.valid
    assert verdict.reasons and all(isinstance(reason, str) and reason for reason in verdict.reasons)


def test_forged_signature_value_is_not_valid(signed, ca):
    start = signed.index(b"/Contents <") + len(b"/Contents <")
    end = signed.index(b">", start)
    container = cms.ContentInfo.load(bytes.fromhex(signed[start:end].decode()), strict=False)
    signer_info = container["content"]["signer_infos"][0]
    forged = bytearray(signer_info["signature"].native)
    forged[-1] ^= 0x01
    signer_info["signature"] = bytes(forged)
    replacement = container.dump(force=True).hex().encode().ljust(end - start, b"0")
    assert len(replacement) == end - start
    verdict = verify_pdf(signed[:start] + replacement + signed[end:], [ca.root_certificate])
    assert (verdict.valid, verdict.intact, verdict.trusted) == (False, False, True)
    assert verdict.reasons == [t("pki.verify.bad_signature")]


def test_damaged_signature_gives_a_verdict(signed, ca):
    start = signed.index(b"/Contents <") + len(b"/Contents <")
    damaged = signed[:start] + b"00" * 40 + signed[start + 80 :]
    verdict = verify_pdf(damaged, [ca.root_certificate])
    assert not verdict.valid
    assert verdict.reasons == [t("pki.verify.unreadable_signature")]


# --- an independent verifier: poppler's pdfsig (NSS) ---------------------------------------


@pytest.fixture(scope="module")
def nss_with_training_root(ca, tmp_path_factory):
    """An NSS database that trusts our training root, as a verifier's own trust store."""
    if not os.path.exists(CERTUTIL):
        pytest.fail("Thiếu certutil (gói Debian libnss3-tools): chạy `make test` với quyền root để cài.")
    directory = tmp_path_factory.mktemp("nss")
    root_pem = directory / "root.pem"
    root_pem.write_bytes(ca.root_certificate.public_bytes(serialization.Encoding.PEM))
    database = f"sql:{directory}"
    subprocess.run([CERTUTIL, "-N", "-d", database, "--empty-password"], check=True)
    subprocess.run(
        [CERTUTIL, "-A", "-d", database, "-n", "kynangso-training-root", "-t", "C,C,C", "-i", str(root_pem)],
        check=True,
    )
    return database


def pdfsig(pdf: bytes, nss_database: str, tmp_path) -> str:
    # Poppler 22.12 reports a generic certificate error whenever -no-ocsp is given, so it is
    # left out; training certificates name no OCSP responder, so nothing is fetched.
    path = tmp_path / "checked.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        [PDFSIG, "-nssdir", nss_database, str(path)], capture_output=True, text=True, timeout=60
    )
    return result.stdout


def test_pdfsig_accepts_our_signature_and_trusts_our_root(signed, nss_with_training_root, tmp_path):
    report = pdfsig(signed, nss_with_training_root, tmp_path)
    assert f"Signer Certificate Common Name: {NHUNG}" in report
    assert "Signature Type: ETSI.CAdES.detached" in report
    assert "Total document signed" in report
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate is Trusted." in report


def test_pdfsig_rejects_edited_bytes(signed, nss_with_training_root, tmp_path):
    report = pdfsig(fee_raised_in_place(signed), nss_with_training_root, tmp_path)
    assert "Signature Validation: Digest Mismatch." in report
    assert "Signature is Valid." not in report


def test_pdfsig_sees_an_incremental_edit_as_not_covering_the_document(signed, nss_with_training_root, tmp_path):
    report = pdfsig(fee_raised_incrementally(signed), nss_with_training_root, tmp_path)
    assert "Not total document signed" in report


def test_pdfsig_does_not_trust_a_stranger_ca(document, stranger_ca, nss_with_training_root, tmp_path):
    report = pdfsig(sign_pdf(document, stranger_ca.issue(UOC)), nss_with_training_root, tmp_path)
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate issuer isn't Trusted." in report


def test_pdfsig_sees_the_expired_certificate(document, expired_signer, nss_with_training_root, tmp_path):
    report = pdfsig(sign_pdf(document, expired_signer), nss_with_training_root, tmp_path)
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate has Expired" in report
