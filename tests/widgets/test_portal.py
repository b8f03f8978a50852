"""The portal simulator, driven the way a resident drives it: clicks and typing.

Each journey starts with bad input (which must be refused in Vietnamese and change
nothing), then goes on with good input to payment and the end of the status timeline.
"""

from __future__ import annotations

from datetime import date

import pytest

from kynangso.vn import DOSSIER_STATUSES
from kynangso.widgets import PortalSimulator
from kynangso.widgets.portal import PROCEDURES, STEPS, check_date, check_name, check_phone

TODAY = date(2026, 11, 22)  # a Sunday
BIRTH_BUNDLE, EXTRACT = "lien_thong_khai_sinh", "trich_luc_ho_tich"


def signed_in(level: int) -> PortalSimulator:
    portal = PortalSimulator(today=TODAY, seed=7)
    portal.login_buttons[level].click()
    return portal


def type_form(portal: PortalSimulator, name: str, cccd: str, phone: str, day: str) -> None:
    portal.name_field.text.value = name
    portal.cccd_field.text.value = cccd
    portal.phone_field.text.value = phone
    portal.date_field.text.value = day


def tick_all(portal: PortalSimulator) -> None:
    for box in portal.paper_boxes.values():
        box.value = True


def primary(portal: PortalSimulator):
    """The step's main button, as a resident sees it: the blue one on the screen."""
    return next(w for w in portal.body.children if "kns-portal-primary" in getattr(w, "_dom_classes", ()))


def test_it_starts_at_sign_in_and_says_it_is_a_simulation():
    portal = PortalSimulator(today=TODAY)
    assert portal.step == "login" and portal.level == 0 and portal.status == 0
    assert "Bước 1/6" in portal.header.value
    assert set(portal.login_buttons) == {1, 2}
    assert all(b in portal.body.children for b in portal.login_buttons.values())


def test_a_level_1_account_is_refused_a_level_2_procedure_with_the_reason():
    portal = signed_in(1)
    assert portal.step == "procedure" and portal.level == 1
    portal.procedure_buttons[BIRTH_BUNDLE].click()
    assert portal.step == "procedure" and portal.procedure == ""
    assert "kns-portal-refusal" in portal.message.value
    for words in ("mức 2", "vân tay", "công an cấp xã"):
        assert words in portal.message.value
    # Level 1 may still do the procedures the simulation opens to it.
    portal.procedure_buttons[EXTRACT].click()
    assert portal.step == "form" and portal.procedure == EXTRACT


def test_signing_out_and_in_again_at_level_2_opens_the_procedure():
    portal = signed_in(1)
    portal.procedure_buttons[BIRTH_BUNDLE].click()
    portal.back()
    assert portal.step == "login"
    portal.login_buttons[2].click()
    portal.procedure_buttons[BIRTH_BUNDLE].click()
    assert portal.step == "form" and portal.procedure == BIRTH_BUNDLE
    assert "dưới 6 tuổi" in portal.message.value


def test_the_form_checks_each_box_as_it_is_typed():
    portal = signed_in(2)
    portal.procedure_buttons[EXTRACT].click()
    type_form(portal, "Hoa", "04019200012", "0912 345 67", "31/02/1992")
    assert "ít nhất 2 chữ" in portal.name_field.feedback.value
    assert "đúng 12 chữ số" in portal.cccd_field.feedback.value and "có 11 chữ số" in portal.cccd_field.feedback.value
    assert "10 chữ số" in portal.phone_field.feedback.value
    assert "không có trên lịch" in portal.date_field.feedback.value
    portal.cccd_field.text.value = "999192000123"
    assert "«999»" in portal.cccd_field.feedback.value
    portal.cccd_field.text.value = "040192000123"
    assert "✓" in portal.cccd_field.feedback.value
    assert "Nghệ An" in portal.cccd_field.feedback.value and "nữ" in portal.cccd_field.feedback.value
    assert "1992" in portal.cccd_field.feedback.value


def test_bad_form_is_refused_and_nothing_moves_then_good_form_goes_on():
    portal = signed_in(2)
    portal.procedure_buttons[EXTRACT].click()
    primary(portal).click()  # everything empty
    assert portal.step == "form" and "kns-portal-refusal" in portal.message.value and "sửa" in portal.message.value
    assert "Chưa nhập họ và tên" in portal.name_field.feedback.value
    type_form(portal, "Trần Thị Hoa", "040192000123", "0912 345 678", "14/03/1990")
    primary(portal).click()
    assert portal.step == "form", "a birth year that contradicts the ID number must be refused"
    assert "không khớp" in portal.date_field.feedback.value
    portal.date_field.text.value = "14/03/1992"
    primary(portal).click()
    assert portal.step == "papers" and portal.status == 0


def test_the_sample_button_fills_a_valid_invented_person():
    portal = signed_in(2)
    portal.procedure_buttons[BIRTH_BUNDLE].click()
    next(b for b in portal.body.children if getattr(b, "description", "") == "Dùng hồ sơ mẫu").click()
    assert all(field.ok for field in portal._fields)
    assert portal.date_field.text.value == "02/11/2026", "the sample baby is 20 days old"
    primary(portal).click()
    assert portal.step == "papers"


def test_the_whole_journey_with_payment_and_the_status_timeline():
    portal = signed_in(1)
    portal.procedure_buttons[EXTRACT].click()
    portal.fill_sample()
    primary(portal).click()

    assert set(portal.paper_boxes) == set(PROCEDURES[1].papers)
    primary(portal).click()
    assert portal.step == "papers" and "Còn thiếu" in portal.message.value
    tick_all(portal)
    primary(portal).click()
    assert portal.step == "payment" and "8.000 đồng" in portal.payment_info.value

    portal.pay_button.click()
    assert portal.step == "payment" and portal.receipt == "" and portal.status == 0
    assert "chọn một cách thanh toán" in portal.message.value
    portal.payment_method.value = portal.payment_method.options[1]
    portal.pay_button.click()
    assert portal.step == "timeline"
    assert portal.receipt.startswith("BL-261122-") and portal.receipt in portal.message.value
    assert portal.status == 1 and "Hạn trả kết quả: 23/11/2026" in portal.timeline_info.value

    seen = [portal.status]
    while not portal.advance_button.disabled:
        portal.advance_button.click()
        seen.append(portal.status)
        assert DOSSIER_STATUSES[portal.status] in portal.timeline_list.value
    assert seen == [1, 2, 4, 9, 10]
    assert "VNeID" in portal.message.value and "SMS" in portal.message.value
    portal.advance_status()
    assert portal.status == 10 and "không còn bước nào" in portal.message.value


def test_a_free_procedure_submits_without_payment_and_counts_working_days():
    portal = signed_in(2)
    portal.procedure_buttons[BIRTH_BUNDLE].click()
    portal.fill_sample()
    portal.submit_form()
    tick_all(portal)
    portal.confirm_papers()
    assert portal.payment_method.layout.display == "none" and portal.pay_button.description == "Nộp hồ sơ"
    portal.pay_button.click()
    assert portal.step == "timeline" and portal.receipt == "" and portal.dossier.startswith("MP-")
    # 3 working days from Sunday 22/11/2026: 23, 25, 26 (24/11 is a day off in `holidays`).
    assert portal.due == date(2026, 11, 26)


def test_the_same_seed_gives_the_same_codes():
    codes = []
    for _ in range(2):
        portal = signed_in(1)
        portal.choose_procedure(EXTRACT)
        portal.fill_sample()
        portal.submit_form()
        tick_all(portal)
        portal.confirm_papers()
        portal.payment_method.value = portal.payment_method.options[0]
        portal.pay()
        codes.append(portal.receipt)
    assert codes[0] == codes[1]


def test_restart_forgets_everything_typed():
    portal = signed_in(2)
    portal.choose_procedure(EXTRACT)
    portal.fill_sample()
    portal.restart()
    assert portal.step == "login" and portal.level == 0 and portal.procedure == ""
    assert all(field.text.value == "" for field in portal._fields)


def test_unknown_choices_are_refused_and_change_nothing():
    portal = PortalSimulator(today=TODAY)
    portal.sign_in(3)
    assert portal.step == "login" and portal.level == 0 and "mức 1 và mức 2" in portal.message.value
    portal.sign_in(2)
    portal.choose_procedure("khong-co")
    assert portal.step == "procedure" and portal.procedure == ""


def test_back_walks_one_step_and_never_leaves_the_timeline():
    portal = signed_in(2)
    portal.choose_procedure(EXTRACT)
    portal.back()
    assert portal.step == "procedure"
    assert STEPS[0] == "login" and STEPS[-1] == "timeline"


@pytest.mark.parametrize(("text", "expected"), [
    ("", "Chưa nhập"), ("Trần 3", "«3»"), ("Trần <b>", "«<»"), ("  Lê   Văn   Tám ", "Lê Văn Tám"),
])
def test_check_name(text, expected):
    assert expected in check_name(text)[1]


@pytest.mark.parametrize(("text", "ok", "expected"), [
    ("+84 912 345 678", True, "VinaPhone"), ("0981234567", True, "Viettel"),
    ("0211234567", False, "021"), ("091234567", False, "10 chữ số"), ("", False, "Chưa nhập"),
])
def test_check_phone(text, ok, expected):
    result = check_phone(text)
    assert result[0] is ok and expected in result[1]


@pytest.mark.parametrize(("text", "child", "ok", "expected"), [
    ("23/11/2026", True, False, "chưa tới"),
    ("22/11/2020", True, False, "đủ 6 tuổi"),
    ("23/11/2020", True, True, "23/11/2020"),
    ("2026-11-01", True, False, "ngày/tháng/năm"),
    ("1.2.1992", False, True, "01/02/1992"),
])
def test_check_date(text, child, ok, expected):
    result = check_date(text, TODAY, child=child)
    assert result[0] is ok and expected in result[1]


def test_typed_text_is_escaped_in_messages():
    portal = signed_in(2)
    portal.choose_procedure(EXTRACT)
    portal.name_field.text.value = "<script>x</script> A"
    assert "<script>" not in portal.name_field.feedback.value and "&lt;" in portal.name_field.feedback.value
