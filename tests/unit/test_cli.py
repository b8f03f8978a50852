"""The `kynangso` command speaks Vietnamese for every subcommand, with a clean usage line."""

from __future__ import annotations

import pytest

from kynangso.cli import SUBCOMMANDS, main
from kynangso.messages import t


@pytest.mark.parametrize("command", [None, *SUBCOMMANDS])
def test_help_is_vietnamese_with_one_usage_prefix(command, capsys):
    argv = [command, "--help"] if command else ["--help"]
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 0
    out = capsys.readouterr().out
    prefix = t("cli.usage_prefix")
    assert out.startswith(prefix) and out.count(prefix) == 1, out.splitlines()[0]
    assert "usage:" not in out and "options:" not in out


def test_unknown_subcommand_is_refused_in_vietnamese(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["khong-co-lenh-nay"])
    assert stop.value.code == 2
    opening = t("cli.bad_arguments", detail="@").split("@")[0]  # the text before the detail
    assert opening in capsys.readouterr().err
