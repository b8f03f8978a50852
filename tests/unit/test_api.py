"""The domain API keeps the exact signatures that issues 3, 4 and 5 promise to lessons and exercises."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from kynangso import commerce, data, pki, safety, vn

POSITIONAL = inspect.Parameter.POSITIONAL_OR_KEYWORD
KEYWORD = inspect.Parameter.KEYWORD_ONLY
REQUIRED = inspect.Parameter.empty


def shape(function) -> list[tuple[str, inspect._ParameterKind, bool]]:
    """(name, kind, has a default) for each parameter, ``self`` left out."""
    return [
        (p.name, p.kind, p.default is not REQUIRED)
        for p in inspect.signature(function).parameters.values() if p.name != "self"
    ]


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        (vn.parse_cccd, [("number", POSITIONAL, False)]),
        (vn.validate_mst, [("code", POSITIONAL, False)]),
        (vn.phone_carrier, [("number", POSITIONAL, False)]),
        (vn.add_working_days, [("start", POSITIONAL, False), ("days", POSITIONAL, False)]),
        (data.dossier_log, [("n", POSITIONAL, False), ("seed", POSITIONAL, False)]),
        (pki.TrainingCA.create, [("directory", POSITIONAL, False), ("name", POSITIONAL, True)]),
        (pki.TrainingCA.load, [("directory", POSITIONAL, False)]),
        (pki.TrainingCA.issue, [("full_name", POSITIONAL, False), ("cccd", KEYWORD, True),
                                ("valid_from", KEYWORD, True), ("valid_days", KEYWORD, True)]),
        (pki.make_document, [("title", POSITIONAL, False), ("body", POSITIONAL, False)]),
        (pki.sign_pdf, [("pdf", POSITIONAL, False), ("signer", POSITIONAL, False),
                        ("reason", KEYWORD, True), ("location", KEYWORD, True)]),
        (pki.verify_pdf, [("pdf", POSITIONAL, False), ("trust_roots", POSITIONAL, False)]),
        (commerce.platform_withholding, [("amount_vnd", POSITIONAL, False), ("category", POSITIONAL, False)]),
        (safety.classify_link, [("url", POSITIONAL, False)]),
    ],
    ids=lambda value: getattr(value, "__qualname__", ""),
)
def test_signature(function, expected):
    assert shape(function) == expected


def test_defaults_that_the_issues_name():
    assert inspect.signature(pki.TrainingCA.issue).parameters["valid_days"].default == 365
    assert inspect.signature(pki.TrainingCA.issue).parameters["cccd"].default is None
    assert inspect.signature(pki.TrainingCA.issue).parameters["valid_from"].default is None


@pytest.mark.parametrize(
    ("cls", "fields"),
    [
        (vn.CitizenId, ["number", "province_code", "province", "sex", "birth_year", "serial"]),
        (pki.Verdict, ["valid", "intact", "trusted", "expired", "signer", "signed_at", "reasons"]),
        (commerce.Withholding, ["vat", "pit", "total"]),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_result_types_are_frozen_dataclasses_with_these_fields(cls, fields):
    assert [field.name for field in dataclasses.fields(cls)] == fields
    assert cls.__dataclass_params__.frozen


def test_link_verdict_has_kind_and_reasons():
    verdict = safety.classify_link("https://dichvucong.gov.vn/")
    assert verdict.kind == "official"
    assert list(verdict.reasons) and all(isinstance(reason, str) for reason in verdict.reasons)


def test_exports():
    for module, names in [
        (vn, ["parse_cccd", "validate_mst", "phone_carrier", "add_working_days", "DOSSIER_STATUSES", "CitizenId"]),
        (pki, ["TrainingCA", "make_document", "sign_pdf", "verify_pdf", "Verdict", "Signer"]),
        (data, ["dossier_log"]),
    ]:
        assert set(names) <= set(module.__all__), module.__name__
