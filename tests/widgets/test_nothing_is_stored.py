"""What a resident types into a simulator stays in the widget: no file, no log line, no
printed output carries it. Each widget is driven through a journey with a made-up
"secret" in an empty working, temporary and home folder, with every logger listening.
"""

from __future__ import annotations

import logging
import os
import tempfile
from datetime import date, datetime, timezone

import pytest

from kynangso.pki.ca import CA_FILES
from kynangso.widgets import PortalSimulator, ScamSpotter, SignatureLab, Storefront
from kynangso.widgets.lab_ca import ENV_DIRECTORY, lab_ca_directory

SECRET_NAME = "Bùi Thị Bí Mật"
SECRET_ID = "040192000123"
SECRET_PHONE = "0912 345 678"


@pytest.fixture
def empty_world(tmp_path, monkeypatch, caplog):
    """An empty cwd, temp, home and cache; logs captured at DEBUG from every library."""
    for name in ("work", "temp", "home"):
        (tmp_path / name).mkdir()
    monkeypatch.chdir(tmp_path / "work")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv(ENV_DIRECTORY, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home" / ".cache"))
    caplog.set_level(logging.DEBUG)
    return tmp_path


def files_under(root) -> list[str]:
    return sorted(os.path.relpath(os.path.join(folder, name), root)
                  for folder, _dirs, names in os.walk(root) for name in names)


def assert_no_trace(root, caplog, capsys, *secrets: str, allowed: tuple[str, ...] = ()) -> None:
    left = files_under(root)
    assert left == sorted(allowed), f"files written: {left}"
    printed = capsys.readouterr()
    for secret in secrets:
        assert secret not in caplog.text, f"«{secret}» reached a log"
        assert secret not in printed.out + printed.err, f"«{secret}» was printed"
        for path in left:
            assert secret.encode() not in (root / path).read_bytes()


def test_the_portal_keeps_what_is_typed_in_memory_only(empty_world, caplog, capsys):
    portal = PortalSimulator(today=date(2026, 11, 23), seed=1)
    portal.login_buttons[1].click()
    portal.choose_procedure("trich_luc_ho_tich")
    portal.name_field.text.value = SECRET_NAME
    portal.cccd_field.text.value = SECRET_ID
    portal.phone_field.text.value = SECRET_PHONE
    portal.date_field.text.value = "14/03/1992"
    portal.submit_form()
    for box in portal.paper_boxes.values():
        box.value = True
    portal.confirm_papers()
    portal.payment_method.value = portal.payment_method.options[0]
    portal.pay()
    assert portal.step == "timeline" and portal.receipt
    assert_no_trace(empty_world, caplog, capsys, SECRET_NAME, SECRET_ID, SECRET_PHONE)


def test_the_storefront_keeps_the_listing_in_memory_only(empty_world, caplog, capsys):
    shop = Storefront()
    shop.title_input.value = f"Mật ong nhà {SECRET_NAME} 500ml"
    shop.money_inputs["price"].value = "987.654"
    shop.money_inputs["cost"].value = "không biết"
    shop.new_order()
    shop.act("confirm")
    assert shop.order_status == "confirmed"
    assert_no_trace(empty_world, caplog, capsys, SECRET_NAME, "987.654", "987654", "không biết")


def test_the_scam_game_writes_nothing(empty_world, caplog, capsys):
    game = ScamSpotter()
    while not game.finished:
        game.answer("scam")
        game.next_round()
    assert_no_trace(empty_world, caplog, capsys)


def test_the_signature_lab_keeps_names_keys_and_files_in_memory(empty_world, caplog, capsys):
    lab = SignatureLab()
    lab.name_input.value = SECRET_NAME
    lab.issue_button.click()
    lab.sign_button.click()
    chosen = {"name": "bi-mat-rieng.pdf", "type": "application/pdf", "size": len(lab.signed_pdf),
              "content": memoryview(lab.signed_pdf), "last_modified": datetime.now(timezone.utc)}
    lab.upload.value = (chosen,)
    assert lab.verdicts["upload"].valid
    # The only thing on disk is the shared training CA, which knows nobody's name.
    ca_folder = lab_ca_directory().relative_to(empty_world)
    assert ca_folder.parts[:3] == ("home", ".cache", "kynangso")
    ca_files = tuple(str(ca_folder / f) for f in CA_FILES)
    assert_no_trace(empty_world, caplog, capsys, SECRET_NAME, "bi-mat-rieng", allowed=ca_files)
