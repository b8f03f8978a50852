"""The project's own contracts: dependency files agree, every package ships, every message exists."""

from __future__ import annotations

import ast
import re
import string
import tomllib
import unicodedata

import yaml

from kynangso.messages import catalog
from tests.servers import PROJECT


def _normalise(requirement: str) -> tuple[str, str]:
    match = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", requirement)
    name, spec = match.group(1), match.group(2)
    return name.lower().replace("_", "-"), ",".join(sorted(s.strip() for s in spec.replace(" ", "").split(",") if s))


def pyproject() -> dict:
    return tomllib.loads((PROJECT / "pyproject.toml").read_text("utf-8"))


def test_environment_yml_lists_the_same_packages_and_ranges_as_pyproject():
    project = pyproject()["project"]
    wanted = dict(_normalise(r) for r in project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((PROJECT / "environment.yml").read_text("utf-8"))
    listed: dict[str, str] = {}
    for entry in env["dependencies"]:
        for requirement in entry["pip"] if isinstance(entry, dict) else [entry]:
            if not requirement.startswith("-e"):
                name, spec = _normalise(requirement)
                listed[name] = spec
    listed.pop("python"), listed.pop("pip")
    assert listed == wanted


def test_every_python_folder_is_listed_as_a_package():
    config = pyproject()["tool"]["setuptools"]
    roots = {package: PROJECT / folder for package, folder in config["package-dir"].items()}
    on_disk = set()
    for package, folder in roots.items():
        for init in folder.rglob("__init__.py"):
            relative = init.parent.relative_to(folder).parts
            on_disk.add(".".join((package, *relative)))
    assert on_disk == set(config["packages"])


def test_messages_are_vietnamese_nfc_and_placeholders_are_well_formed():
    messages = catalog()
    assert messages, "the message catalog is empty"
    for key, text in messages.items():
        assert text.strip(), f"{key} is empty"
        assert unicodedata.is_normalized("NFC", text), f"{key} is not NFC"
        list(string.Formatter().parse(text))  # raises on a malformed placeholder


def _keys_used_in_code() -> set[str]:
    keys = set()
    for folder in ("kynangso", "widgets", "grading"):
        for path in (PROJECT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t"
                        and node.args and isinstance(node.args[0], ast.Constant)):
                    keys.add(node.args[0].value)
    return keys


def test_every_message_key_used_in_code_exists():
    missing = sorted(_keys_used_in_code() - set(catalog()))
    assert not missing, f"keys used in code but missing from kynangso/messages: {missing}"
