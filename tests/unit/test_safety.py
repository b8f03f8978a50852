"""kynangso.safety: the link checker residents practise with, and its suffix rules."""

from __future__ import annotations

import random
import unicodedata

import pytest

from kynangso.messages import catalog
from kynangso.safety import URL_SHORTENERS, LinkVerdict, classify_link, registrable_domain

# (url, kind, a code the verdict must carry)
LINKS = [
    # Official: https, under .gov.vn, no tricks.
    ("https://dichvucong.gov.vn/p/home/dvc-trang-chu.html", "official", "official"),
    ("https://vneid.gov.vn/", "official", "official"),
    ("HTTPS://DICHVUCONG.GOV.VN", "official", "official"),
    ("https://thuedientu.gdt.gov.vn:443/", "official", "official"),
    ("https://x-y.gov.vn/", "official", "official"),  # a hyphen left of .gov.vn is fine
    ("https://dichvucong.gov.vn./", "official", "official"),
    ("https://dichvucong.gov.vn/@evil.com", "official", "official"),  # "@" in the path only
    # Unknown: ordinary sites, or gov.vn without https.
    ("https://shopee.vn/", "unknown", "no_red_flags"),
    ("https://postmart.vn/san-pham", "unknown", "no_red_flags"),
    ("https://www.gov.uk/", "unknown", "no_red_flags"),
    ("http://dichvucong.gov.vn/", "unknown", "not_https"),
    ("dichvucong.gov.vn", "unknown", "no_scheme"),
    ("//vneid.gov.vn/login", "unknown", "no_scheme"),
    # gov.vn in the wrong place, and lookalikes.
    ("https://dichvucong.gov.vn.xyz.com/login", "suspicious", "gov_vn_not_at_end"),
    ("https://gov.vn-dichvucong.com", "suspicious", "gov_vn_not_at_end"),
    ("https://dichvucong-gov-vn.com", "suspicious", "gov_vn_lookalike"),
    ("https://vneid-gov.com/cap-nhat", "suspicious", "gov_vn_lookalike"),
    ("https://govvn-dichvu.net", "suspicious", "gov_vn_lookalike"),
    ("https://vneid.app/", "suspicious", "official_name_elsewhere"),
    ("https://dichvucong.gov.vm/", "suspicious", "official_name_elsewhere"),
    # Hidden hosts.
    ("https://dichvucong.gov.vn@evil.com/", "suspicious", "userinfo"),
    ("https://evil.com\\@dichvucong.gov.vn/", "suspicious", "backslash"),
    ("https://dichvuc%6Fng.gov.vn/", "suspicious", "percent_encoded_host"),
    ("https://dichvucong.gov.vn\u200b.evil.com/", "suspicious", "hidden_characters"),
    # International letters.
    ("https://xn--dchvcng-x0a0689dsha.gov.vn/", "suspicious", "punycode"),
    ("https://xn--80ak6aa92e.com/", "suspicious", "lookalike_letters"),  # Cyrillic "apple"
    ("https://dichvucоng.gov.vn/", "suspicious", "lookalike_letters"),  # Cyrillic о
    ("https://vneіd.gov.vn/", "suspicious", "lookalike_letters"),  # Ukrainian і
    ("https://dịchvụcông.gov.vn/", "suspicious", "accented_letters"),
    # IP addresses, plain and disguised.
    ("http://192.168.1.1/dang-nhap", "suspicious", "ip_address"),
    ("https://[2001:db8::1]/", "suspicious", "ip_address"),
    ("http://3232235777/", "suspicious", "encoded_ip"),
    ("http://0xC0A80101/", "suspicious", "encoded_ip"),
    ("http://0300.0250.0001.0001/", "suspicious", "encoded_ip"),
    ("http://192.168.257/", "suspicious", "encoded_ip"),
    # Shorteners.
    ("https://bit.ly/3xYz", "suspicious", "shortener"),
    ("https://www.tinyurl.com/abc", "suspicious", "shortener"),
    ("https://t.co/abc", "suspicious", "shortener"),
    ("https://s.id/abc", "suspicious", "shortener"),
    # App downloads.
    ("https://vneid-app.com/VNeID.apk", "suspicious", "apk_download"),
    ("https://example.com/tai/VNeID.APK?v=2#cai", "suspicious", "apk_download"),
    ("https://example.com/download?file=dichvucong.apk", "suspicious", "apk_download"),
    ("https://example.com/app%2Eapk", "suspicious", "apk_download"),
    # Ports, schemes, length.
    ("https://dichvucong.gov.vn:8443/", "suspicious", "unusual_port"),
    ("javascript:alert(1)", "suspicious", "unusual_scheme"),
    ("intent://scan/#Intent;scheme=zxing;end", "suspicious", "unusual_scheme"),
    ("https://dichvucong.gov.vn/" + "a" * 3000, "suspicious", "too_long"),
]


@pytest.mark.parametrize(("url", "kind", "code"), LINKS)
def test_classify_link(url, kind, code):
    verdict = classify_link(url)
    assert verdict.kind == kind, verdict
    assert code in verdict.codes, verdict
    reason = verdict.reasons[verdict.codes.index(code)]
    assert reason and unicodedata.is_normalized("NFC", reason)


def test_table_is_large_enough():
    assert len(LINKS) >= 30
    assert {kind for _, kind, _ in LINKS} == {"official", "suspicious", "unknown"}


def test_table_exercises_every_reason_in_the_catalog():
    seen = {code for url, _, _ in LINKS for code in classify_link(url).codes}
    in_catalog = {key.removeprefix("safety.reason.") for key in catalog() if key.startswith("safety.reason.")}
    assert seen == in_catalog


def test_official_needs_https_and_gov_vn_at_the_end():
    assert classify_link("https://dichvucong.gov.vn/").host == "dichvucong.gov.vn"
    for url in ("http://dichvucong.gov.vn/", "dichvucong.gov.vn", "https://gov.vn/"):
        assert classify_link(url).kind == "unknown", url


def test_only_the_tricks_found_are_reported():
    assert classify_link("https://bit.ly/abc").codes == ("shortener",)
    assert classify_link("http://192.168.1.1/").codes == ("not_https", "ip_address")
    assert "punycode" not in classify_link("https://dichvucоng.gov.vn/").codes


def test_reasons_name_what_the_resident_should_see():
    userinfo = classify_link("https://dichvucong.gov.vn@evil.com/")
    assert userinfo.host == "evil.com"
    assert "«evil.com»" in userinfo.reasons[0] and "«dichvucong.gov.vn»" in userinfo.reasons[0]
    assert "«xyz.com»" in classify_link("https://dichvucong.gov.vn.xyz.com/").reasons[0]
    assert "192.168.1.1" in classify_link("http://3232235777/").reasons[-1]
    assert "dịchvụcông.gov.vn" in classify_link("https://xn--dchvcng-x0a0689dsha.gov.vn/").reasons[0]
    assert "8443" in classify_link("https://dichvucong.gov.vn:8443/").reasons[0]
    decoded = classify_link("https://dichvuc%6Fng.gov.vn/")
    assert decoded.host == "dichvucong.gov.vn" and "«dichvucong.gov.vn»" in decoded.reasons[0]


def test_every_shortener_in_the_data_is_caught():
    for domain in URL_SHORTENERS:
        assert "shortener" in classify_link(f"https://{domain}/x").codes, domain


def test_verdict_is_immutable_and_labelled_in_vietnamese():
    verdict = classify_link("https://vneid.gov.vn/")
    with pytest.raises(AttributeError):
        verdict.kind = "unknown"
    assert verdict.label == "Trang chính thức của cơ quan nhà nước"
    assert classify_link("https://bit.ly/x").label.startswith("Đáng ngờ")


MALFORMED = [
    None, 42, 3.14, b"https://dichvucong.gov.vn", ["https://dichvucong.gov.vn"],
    "", "   ", "\x00\x07", "http://[::1", "https://", "https://@", "http://:80/", "https://[::1]:99999/",
    "https://exa mple.com/", "https://a..b.com/", "http://1.2.3.4.5/", "http://" + "9" * 5000,
    "a" * 10_000, "https://" + "a" * 10_000, "https://dichvucong\uff0fgov.vn",
]


@pytest.mark.parametrize("url", MALFORMED, ids=lambda u: repr(u)[:40])
def test_malformed_input_is_suspicious_and_never_raises(url):
    verdict = classify_link(url)
    assert verdict.kind == "suspicious"
    assert "malformed" in verdict.codes
    assert len(verdict.codes) == len(verdict.reasons)


def test_control_characters_are_reported_not_fatal():
    verdict = classify_link("https://dichvucong.gov.vn\t\r\n/\x1b[31m")
    assert verdict.kind == "suspicious" and "hidden_characters" in verdict.codes
    assert verdict.host == "dichvucong.gov.vn"


def test_random_garbage_never_raises():
    pieces = [
        "https://", "http://", "//", ":", "@", "[", "]", "%", "%2e", "\\", ".", "..", "-", "xn--",
        "gov.vn", "0x", "07", "999", "a", "о", "ạ", "\u202e", "\x00", " ", "?", "#", "/", ".apk",
    ]
    rng = random.Random(2025)
    for _ in range(3000):
        url = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12)))
        verdict = classify_link(url)
        assert isinstance(verdict, LinkVerdict), url
        assert verdict.kind in ("official", "suspicious", "unknown"), url
        assert verdict.reasons and len(verdict.reasons) == len(verdict.codes), url


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("dichvucong.gov.vn", "dichvucong.gov.vn"),
        ("thuedientu.gdt.gov.vn", "gdt.gov.vn"),
        ("WWW.Shop.COM.VN.", "shop.com.vn"),
        ("a.b.edu.vn", "b.edu.vn"),
        ("benhvien.health.vn", "benhvien.health.vn"),
        ("shopee.vn", "shopee.vn"),
        ("dichvucong.gov.vn.xyz.com", "xyz.com"),
        ("bit.ly", "bit.ly"),
        ("gov.vn", None),
        ("com.vn", None),
        ("vn", None),
        ("com", None),
        ("192.168.1.1", None),
        ("3232235777", None),
        ("::1", None),
        ("", None),
        ("a..b.com", None),
        (None, None),
    ],
)
def test_registrable_domain(host, domain):
    assert registrable_domain(host) == domain
