"""The four simulators in their real lesson pages, on a 390×844 phone in Chromium.

Each test drives one whole journey the way a resident would: tapping buttons found by
their Vietnamese text, typing into boxes found by their labels, choosing files. Each also
checks what a phone user would notice: nothing wider than the screen, no code, no console
error, no request leaving our server.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from kynangso.messages import t
from tests.site.conftest import assert_no_code, open_lesson

pytestmark = [pytest.mark.browser, pytest.mark.server]

PHONE_WIDTH = 390
KERNEL = 60_000  # ms: a step that signs or verifies a PDF runs real cryptography in the kernel


def open_widget(page: Page, site, lesson: str, css: str):
    """Open a lesson and return its widget once it is on screen."""
    open_lesson(page, site.lesson_url(lesson))
    widget = page.locator(css).first
    widget.scroll_into_view_if_needed()
    expect(widget).to_be_visible()
    return widget


# Parts of a widget that stick out of the screen, even where a container clips or scrolls them.
OUTSIDE_THE_SCREEN = """(root) => [...root.querySelectorAll('*')].filter((el) => {
  const box = el.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && (box.right > window.innerWidth + 1 || box.left < -1);
}).map((el) => `${el.tagName}.${el.className}`)"""


def assert_fits_a_phone(page: Page, watch, widget) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE_WIDTH + 1, f"the page is {width}px wide on a {PHONE_WIDTH}px phone"
    outside = widget.evaluate(OUTSIDE_THE_SCREEN)
    assert not outside, f"parts of the widget are off the screen: {outside[:5]}"
    assert_no_code(page)
    assert page.locator(".kns-cell-error").count() == 0, "a lesson cell failed"
    watch.assert_clean()


# ---------------------------------------------------------------- PortalSimulator

def test_portal_a_resident_submits_and_pays_for_a_dossier(lesson_site, phone_page):
    page, watch = phone_page
    portal = open_widget(page, lesson_site, "dich-vu-cong/02-nop-ho-so-truc-tuyen.ipynb", ".kns-portal")
    progress = portal.locator(".kns-portal-progress")
    notice = portal.locator(".kns-portal-message")
    next_button = portal.get_by_role("button", name=t("portal.next"))

    # Sign in at level 1: the level-2 procedure is refused with what to do about it.
    expect(progress).to_contain_text("Bước 1/6")
    portal.get_by_role("button", name=t("portal.login.level1")).click()
    expect(progress).to_contain_text("Bước 2/6")
    portal.locator(".kns-portal-choice", has_text="Liên thông").click()
    expect(notice.locator(".kns-portal-refusal")).to_contain_text("cần tài khoản định danh mức 2")
    expect(notice).to_contain_text("công an cấp xã")
    expect(progress).to_contain_text("Bước 2/6")
    portal.locator(".kns-portal-choice", has_text=t("portal.procedure.trich_luc_ho_tich.name")).click()
    expect(progress).to_contain_text("Bước 3/6")

    # A citizen ID one digit short is explained as it is typed, and blocks the form.
    portal.get_by_label(t("portal.form.name_label")).fill("Trần Thị Hoa")
    cccd = portal.get_by_label(t("portal.form.cccd_label"))
    cccd_feedback = portal.locator(".kns-portal-field", has=page.get_by_label(t("portal.form.cccd_label")))
    cccd.fill("04019200012")
    expect(cccd_feedback).to_contain_text("phải có đúng 12 chữ số; số đã nhập có 11 chữ số")
    next_button.click()
    expect(notice.locator(".kns-portal-refusal")).to_contain_text(t("portal.form.fix_first"))
    expect(progress).to_contain_text("Bước 3/6")
    cccd.fill("040192000123")
    expect(cccd_feedback).to_contain_text("Nghệ An")
    expect(cccd_feedback).to_contain_text("sinh năm 1992")
    phone = portal.get_by_label(t("portal.form.phone_label"))
    phone.fill("0912 345 678")
    expect(portal.locator(".kns-portal-field", has=page.get_by_label(t("portal.form.phone_label")))).to_contain_text(
        "VinaPhone")
    birth = portal.get_by_label(t("portal.procedure.trich_luc_ho_tich.date_label"))
    birth.fill("31/02/1992")
    birth_feedback = portal.locator(".kns-portal-field", has=page.get_by_label(
        t("portal.procedure.trich_luc_ho_tich.date_label")))
    expect(birth_feedback).to_contain_text("không có trên lịch")
    birth.fill("14/03/1992")
    expect(birth_feedback).to_contain_text("Ngày 14/03/1992.")
    next_button.click()

    # Papers: every box must be ticked before going on.
    expect(progress).to_contain_text("Bước 4/6")
    boxes = portal.locator(".kns-portal-check input[type=checkbox]")
    expect(boxes).to_have_count(2)
    boxes.first.check()
    next_button.click()
    expect(notice).to_contain_text("Còn thiếu")
    boxes.last.check()
    next_button.click()

    # Payment: a method first, then a receipt code.
    expect(progress).to_contain_text("Bước 5/6")
    expect(portal).to_contain_text("8.000 đồng")
    pay = portal.get_by_role("button", name=t("portal.payment.pay"))
    pay.click()
    expect(notice).to_contain_text(t("portal.payment.no_method"))
    portal.get_by_label(t("portal.payment.method_wallet")).check()
    pay.click()
    expect(progress).to_contain_text("Bước 6/6")
    expect(notice).to_contain_text(re.compile(r"Mã biên lai điện tử: BL-\d{6}-\d{6}"))

    # The status timeline, stage by stage, to the result.
    reached = portal.locator(".kns-portal-reached")
    expect(reached).to_have_count(1)
    advance = portal.get_by_role("button", name=t("portal.timeline.advance"))
    for count in range(2, 6):
        advance.click()
        expect(reached).to_have_count(count)
    expect(reached.last).to_contain_text("10. Đã trả kết quả")
    expect(advance).to_be_disabled()
    expect(notice).to_contain_text("VNeID")
    assert_fits_a_phone(page, watch, portal)


# ---------------------------------------------------------------- SignatureLab

def lab_output(lab, step: str):
    return lab.locator(".kns-lab-step", has_text=t(f"signature_lab.steps.{step}")).locator(".kns-lab-out")


def download_signed(page: Page, lab, folder):
    """Tap the signed document's download link; the PDF as the phone saved it."""
    with page.expect_download() as download:
        lab_output(lab, "sign").get_by_role("link", name=t("signature_lab.sign.download")).click()
    saved = folder / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "van-ban-da-ky.pdf" and saved.read_bytes().startswith(b"%PDF-")
    return saved


def test_signature_lab_sign_in_one_lesson_then_check_documents_in_the_next(lesson_site, phone_page, tmp_path):
    page, watch = phone_page

    # Lesson 4: get a certificate (an empty name is refused first), sign, download.
    lab = open_widget(page, lesson_site, "chu-ky-so/04-ky-van-ban.ipynb", ".kns-lab")
    name = lab.get_by_label(t("signature_lab.certificate.name_label"))
    issue = lab.get_by_role("button", name=t("signature_lab.certificate.button"))
    name.fill("")
    issue.click()
    expect(lab_output(lab, "certificate").locator(".kns-error")).to_have_text(t("signature_lab.certificate.empty"))
    name.fill("Hoàng Thị Ngọc Diệp")
    issue.click()
    certificate = lab_output(lab, "certificate")
    expect(certificate).to_contain_text("Đã cấp chứng thư cho «Hoàng Thị Ngọc Diệp»", timeout=KERNEL)
    expect(certificate).to_contain_text("CHỈ DÙNG ĐỂ HỌC TẬP")
    expect(certificate.locator("ol li")).to_have_count(3)  # root CA, issuing CA, the learner

    lab.get_by_role("button", name=t("signature_lab.sign.button"), exact=True).click()
    verdict = lab_output(lab, "sign").locator(".kns-verdict")
    expect(verdict).to_have_class(re.compile("kns-ok"), timeout=KERNEL)
    expect(verdict).to_contain_text(t("signature_lab.verdict.valid"))
    expect(verdict).to_contain_text("Người ký: Hoàng Thị Ngọc Diệp")
    expect(verdict).to_contain_text(t("signature_lab.verdict.why"))
    expect(lab_output(lab, "sign").locator(".kns-stamp")).to_contain_text("Ký số bởi: Hoàng Thị Ngọc Diệp")
    from_lesson_4 = download_signed(page, lab, tmp_path)
    assert_fits_a_phone(page, watch, lab)

    # Lesson 5 (a new page, a new kernel): alter, unknown CA, expired, then the learner's files.
    lab = open_widget(page, lesson_site, "chu-ky-so/05-kiem-tra-van-ban-da-ky.ipynb", ".kns-lab")
    lab.get_by_role("button", name=t("signature_lab.sign.button"), exact=True).click()
    expect(lab_output(lab, "sign").locator(".kns-verdict.kns-ok")).to_be_visible(timeout=KERNEL)

    lab.get_by_role("button", name=t("signature_lab.alter.button")).click()
    altered = lab_output(lab, "alter")
    expect(altered.locator(".kns-verdict.kns-bad")).to_contain_text(t("signature_lab.verdict.intact_no"),
                                                                     timeout=KERNEL)
    expect(altered).to_contain_text(t("signature_lab.alter.explain"))
    expect(altered.locator(".kns-fingerprint mark").first).to_be_visible()

    others = lab_output(lab, "others")
    lab.get_by_role("button", name=t("signature_lab.others.unknown_button")).click()
    expect(others.locator(".kns-verdict.kns-bad")).to_contain_text(t("signature_lab.verdict.trusted_no"),
                                                                   timeout=KERNEL)
    expect(others).to_contain_text(t("signature_lab.others.unknown_explain"))
    lab.get_by_role("button", name=t("signature_lab.others.expired_button")).click()
    expect(others.locator(".kns-verdict.kns-bad")).to_contain_text(t("signature_lab.verdict.current_no"),
                                                                   timeout=KERNEL)
    expect(others).to_contain_text(t("signature_lab.others.expired_explain"))

    # ipywidgets' FileUpload keeps its <input type=file> out of the page, so the file is
    # set through the chooser its button opens (Playwright's set_input_files underneath).
    def choose(files) -> None:
        with page.expect_file_chooser() as chooser:
            lab.get_by_role("button", name=re.compile(t("signature_lab.upload.button"))).click()
        chooser.value.set_files(files)

    uploaded = lab_output(lab, "upload")
    expect(lab).to_contain_text(t("signature_lab.upload.intro", limit=5))  # the limit is said up front
    choose({"name": "ghi-chu.txt", "mimeType": "text/plain", "buffer": "Ghi chú họp thôn".encode()})
    expect(uploaded.locator(".kns-error")).to_have_text(t("signature_lab.upload.not_pdf", name="ghi-chu.txt"))
    too_big = b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024 + 100_000)  # just over the 5 MB limit
    choose({"name": "ban-scan.pdf", "mimeType": "application/pdf", "buffer": too_big})
    expect(uploaded.locator(".kns-error")).to_have_text(
        t("signature_lab.upload.too_big", name="ban-scan.pdf", size="5,1", limit=5), timeout=KERNEL)
    choose(from_lesson_4)
    expect(uploaded.locator(".kns-verdict.kns-ok")).to_contain_text("Người ký: Hoàng Thị Ngọc Diệp",
                                                                    timeout=KERNEL)
    expect(uploaded).to_contain_text(t("signature_lab.upload.checking", name="van-ban-da-ky.pdf"))
    expect(uploaded.locator(".kns-error")).to_have_count(0)
    assert_fits_a_phone(page, watch, lab)


# ---------------------------------------------------------------- Storefront

def test_storefront_a_seller_writes_a_listing_with_live_advice(lesson_site, phone_page):
    page, watch = phone_page
    store = open_widget(page, lesson_site, "thuong-mai-dien-tu/02-viet-tin-dang.ipynb", ".kns-store")
    advice = store.locator(".kns-advice")
    title = store.get_by_label(t("storefront.field.title"))
    title.fill("MẬT ONG RỪNG TỐT NHẤT!!!")
    expect(advice).to_contain_text(t("storefront.advice.title_caps"))
    expect(advice).to_contain_text("«tốt nhất»")
    expect(advice).to_contain_text(t("storefront.advice.photos_none"))
    title.fill("Mật ong hoa cà phê Quảng Trị chai 500ml")
    expect(advice).to_contain_text(t("storefront.advice.title_quantity_ok"))
    expect(advice).not_to_contain_text(t("storefront.advice.title_caps"))
    photos = store.get_by_label(t("storefront.field.photos"))
    photos.fill("4")
    photos.press("Enter")
    expect(advice).to_contain_text(t("storefront.advice.photos_ok", count=4))
    for item in ("own_photos", "origin", "weight", "expiry"):
        store.get_by_label(t(f"storefront.honesty.{item}")).check()
    expect(advice).to_contain_text(t("storefront.honesty.all_done"))
    expect(store.locator(".kns-advice-warn, .kns-advice-bad")).to_have_count(0)
    assert_fits_a_phone(page, watch, store)


def test_storefront_a_seller_sees_where_the_money_goes(lesson_site, phone_page):
    page, watch = phone_page
    store = open_widget(page, lesson_site, "thuong-mai-dien-tu/03-tinh-gia-ban.ipynb", ".kns-store")
    price = store.get_by_label(t("storefront.field.price"))
    price.fill("một trăm rưởi")
    price.press("Enter")
    expect(store.locator("p.kns-advice-bad")).to_contain_text("«một trăm rưởi» không phải số tiền")
    expect(store).to_contain_text(t("storefront.breakdown.empty"))
    price.fill("150k")
    price.press("Enter")
    expect(price).to_have_value("150.000")
    for label, amount in (("cost", "100.000"), ("shipping", "15.000")):
        box = store.get_by_label(t(f"storefront.field.{label}"))
        box.fill(amount)
        box.press("Enter")
    store.get_by_label(t("storefront.field.fee_rate")).select_option(label="8%")
    table = store.locator(".kns-breakdown")
    expect(table).to_contain_text("Phí sàn (8%)")
    rows = {
        "Giá người mua trả": "150.000 đ", "Phí sàn (8%)": "-12.000 đ", "Phí vận chuyển bạn chịu": "-15.000 đ",
        "Thuế GTGT sàn khấu trừ (1%)": "-1.500 đ", "Thuế TNCN sàn khấu trừ (0,5%)": "-750 đ",
        "Tiền về tay bạn": "120.750 đ", "Lãi (lỗ) mỗi đơn": "20.750 đ",
    }
    for label, amount in rows.items():
        expect(table.locator("tr", has=page.locator("th", has_text=label)).locator("td")).to_have_text(amount)
    expect(store.locator(".kns-advice")).to_contain_text("Mỗi đơn bạn lãi 20.750 đ")
    expect(store).to_contain_text("Nghị định 117/2025/NĐ-CP")
    assert_fits_a_phone(page, watch, store)


def test_storefront_a_seller_processes_an_order(lesson_site, phone_page):
    page, watch = phone_page
    store = open_widget(page, lesson_site, "thuong-mai-dien-tu/04-don-hang-thanh-toan.ipynb", ".kns-store")
    order = store.locator(".kns-order")
    expect(order).to_contain_text(t("storefront.order.status.none"))
    store.get_by_role("button", name=t("storefront.order.new_order")).click()
    expect(order).to_contain_text(t("storefront.order.status.new"))
    expect(order).to_contain_text("Người mua: chị Lê Thị Hồng")
    for action in ("confirm", "pack", "hand_over", "deliver"):
        button = store.get_by_role("button", name=t(f"storefront.order.action.{action}"))
        expect(button).to_be_visible()  # only the actions that fit the order's step are offered
        button.click()
        status = {"confirm": "confirmed", "pack": "packed", "hand_over": "shipping", "deliver": "delivered"}[action]
        expect(order).to_contain_text(t(f"storefront.order.status.{status}"))
    expect(order).to_contain_text(re.compile(r"Sàn chuyển cho bạn [\d.]+ đ"))
    expect(store.locator(".kns-store-button:visible")).to_have_text([t("storefront.order.new_order")])
    assert_fits_a_phone(page, watch, store)


# ---------------------------------------------------------------- ScamSpotter

def test_scam_spotter_every_answer_is_explained_to_the_end(lesson_site, phone_page):
    page, watch = phone_page
    game = open_widget(page, lesson_site, "an-toan-so/01-nhan-biet-lua-dao.ipynb", ".kns-scam")
    status = game.locator(".kns-scam-status")
    expect(status).to_contain_text("Tình huống 1/")
    total = int(re.search(r"Tình huống 1/(\d+)", status.inner_text()).group(1))
    assert total >= 5
    feedback = game.locator(".kns-quiz-feedback")
    next_button = game.locator(".kns-scam-next")
    for number in range(1, total + 1):
        expect(status).to_contain_text(f"Tình huống {number}/{total}")
        choice = "scam" if number % 2 else "safe"  # a mix of right and wrong answers
        game.get_by_role("button", name=t(f"scam_spotter.choice.{choice}"), exact=True).click()
        expect(feedback.locator(".kns-scam-lesson")).to_contain_text(t("scam_spotter.feedback.remember"))
        verdicts = (t("scam_spotter.feedback.right"), t("scam_spotter.feedback.wrong"))
        expect(feedback).to_contain_text(re.compile("|".join(map(re.escape, verdicts))))
        expect(feedback.locator("li").first).to_be_visible()
        expect(status).to_contain_text(re.compile(rf"Điểm: \d+/{number}$"))
        last = number == total
        expect(next_button).to_have_text(t("scam_spotter.button.finish" if last else "scam_spotter.button.next"))
        next_button.click()
    summary = game.locator(".kns-scam-summary")
    expect(summary).to_contain_text(re.compile(rf"Bạn nhận ra đúng \d+/{total} tình huống"))
    expect(summary.locator(".kns-scam-key-lessons li").first).to_be_visible()
    expect(game.get_by_role("button", name=t("scam_spotter.button.restart"))).to_be_visible()
    assert_fits_a_phone(page, watch, game)
