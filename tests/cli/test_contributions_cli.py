"""``r2p-graph contribute``, ``withdraw`` and ``rebuild``, run as a user runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli.test_cli import cli, snapshot

GOOD = """id,name_en,operating_level,based_in
cli-one,CLI One (synthetic),national,HU
"""
BAD = GOOD + "cli-two,CLI Two (synthetic),national,XX\n"


@pytest.fixture
def store(bundled_store_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(bundled_store_dir, copy)
    return copy


def test_contribute_withdraw_and_rebuild(store: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    done = cli("contribute", good, "--kind", "organisations", "--as", "tester", data_dir=store)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)["contribution"]
    assert (record["contributor"], record["triples"]) == ("tester", 4)
    withdrawn = cli("withdraw", record["id"], data_dir=store)
    assert withdrawn.returncode == 0, withdrawn.stderr
    assert json.loads(withdrawn.stdout)["contribution"]["status"] == "withdrawn"
    again = cli("contribute", good, "--kind", "organisations", data_dir=store)
    assert again.returncode == 0, again.stderr
    rebuilt = cli("rebuild", "--into", tmp_path / "rebuilt", data_dir=store)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "dumps the same" in rebuilt.stderr
    assert snapshot(tmp_path / "rebuilt") == snapshot(store)


def test_refused_contribution_exits_1_and_changes_nothing(store: Path, tmp_path: Path) -> None:
    before = snapshot(store)
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    refused = cli("contribute", bad, "--kind", "organisations", data_dir=store)
    assert refused.returncode == 1
    results = json.loads(refused.stdout)["results"]
    assert [(r["row"], r["column"]) for r in results if r["blocking"]] == [(3, "based_in")]
    assert "nothing was written" in refused.stderr
    assert snapshot(store) == before


def test_contribute_errors_are_one_line(store: Path, tmp_path: Path) -> None:
    csv = tmp_path / "x.csv"
    csv.write_text(GOOD, encoding="utf-8")
    for args, words in (
        (("contribute", tmp_path / "missing.ttl"), "no such file"),
        (("contribute", csv), "give --kind"),
        (("contribute", csv, "--kind", "cats"), "no CSV template"),
        (("withdraw", "f" * 32), "no contribution"),
        (("rebuild", "--into", store), "not empty"),
    ):
        result = cli(*args, data_dir=store)
        assert result.returncode == 2, (args, result.stderr)
        assert words in result.stderr, (args, result.stderr)
