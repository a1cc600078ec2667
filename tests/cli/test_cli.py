"""The command line, run as a user runs it: bad input gives one line, an exit code, no change."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from r2p_graph.store import OxigraphRepository
from tests.conftest import dump_bytes

EXE = [sys.executable, "-m", "r2p_graph"]


def cli(*args: str | Path, data_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [*EXE, *map(str, args)]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def store(bundled_store_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(bundled_store_dir, copy)
    return copy


def snapshot(store: Path) -> bytes:
    with OxigraphRepository.open(store) as repo:
        return dump_bytes(repo)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *parts: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for part in parts:
        assert part in lines[0]
    assert "Traceback" not in result.stderr


BAD_FILES = {
    "bad.ttl": ("@prefix x: <http://x/> .\nx:a x:b x:c ;\n  x:d .\n", "bad.ttl:3:7"),
    "bad.nt": ('<http://a> <http://b> <http://c> .\n<http://a> <http://b> "x .\n', "bad.nt:2:"),
    "bad.nq": (
        "<http://a> <http://b> <http://c> <http://g> .\n<http://a> <http://b> .\n",
        "bad.nq:2:",
    ),
    "bad.rdf": ("<r><x", "bad.rdf"),
    "bad.jsonld": ('{"@id": 3}', "bad.jsonld"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_load_malformed_file(store: Path, tmp_path: Path, name: str) -> None:
    text, where = BAD_FILES[name]
    path = tmp_path / name
    path.write_text(text)
    before = snapshot(store)
    assert_one_line_error(cli("load", path, data_dir=store), where)
    assert snapshot(store) == before


def test_load_several_files_one_malformed_loads_none(store: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.nt"
    good.write_text("<http://e/a> <http://e/p> <http://e/b> .\n")
    bad = tmp_path / "bad.nt"
    bad.write_text("<http://e/a> <http://e/p> .\n")
    before = snapshot(store)
    assert_one_line_error(cli("load", good, bad, data_dir=store), "bad.nt:1:")
    assert snapshot(store) == before


def test_load_missing_file(store: Path, tmp_path: Path) -> None:
    before = snapshot(store)
    assert_one_line_error(cli("load", tmp_path / "absent.ttl", data_dir=store), "no such file")
    assert snapshot(store) == before


def test_load_unknown_format(store: Path, tmp_path: Path) -> None:
    path = tmp_path / "data.docx"
    path.write_text("x")
    before = snapshot(store)
    assert_one_line_error(cli("load", path, data_dir=store), "unknown RDF format 'docx'")
    assert_one_line_error(cli("load", "--format", "yaml", path, data_dir=store), "'yaml'")
    assert snapshot(store) == before


def test_load_then_query(store: Path, tmp_path: Path) -> None:
    path = tmp_path / "partners.ttl"
    path.write_text("<http://e/a> <http://e/p> 'hello' .\n")
    loaded = cli("load", path, data_dir=store)
    assert loaded.returncode == 0, loaded.stderr
    assert "1 triples into <https://w3id.org/r2p-graph/graph/partners>" in loaded.stderr
    result = cli(
        "query", "SELECT ?o WHERE { <http://e/a> ?p ?o }", "--format", "csv", data_dir=store
    )
    assert result.returncode == 0
    assert result.stdout.splitlines() == ["o", "hello"]


def test_query_syntax_error(store: Path) -> None:
    before = snapshot(store)
    result = cli("query", "SELECT * WHERE {\n  ?s ?p }", data_dir=store)
    assert_one_line_error(result, "query:2:")
    assert snapshot(store) == before


def test_query_from_file_and_formats(store: Path, tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text(
        "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/r2p-graph/ontology#Country> }"
    )
    for fmt, expected in (("csv", "249"), ("tsv", "249"), ("json", '"249"'), ("table", "249")):
        result = cli("query", "--file", query, "--format", fmt, data_dir=store)
        assert result.returncode == 0, result.stderr
        assert expected in result.stdout
    assert_one_line_error(
        cli("query", "--file", tmp_path / "none.rq", data_dir=store), "no such file"
    )
    assert_one_line_error(cli("query", "--file", query, "--format", "yaml", data_dir=store), "yaml")


def test_export_formats(store: Path, tmp_path: Path) -> None:
    for fmt in ("nquads", "trig", "turtle"):
        out = tmp_path / f"dump.{fmt}"
        result = cli("export", "--format", fmt, "--output", out, data_dir=store)
        assert result.returncode == 0, result.stderr
        assert out.stat().st_size > 100_000
    assert_one_line_error(cli("export", "--format", "csv", data_dir=store), "csv")


def test_stats(store: Path) -> None:
    result = cli("stats", data_dir=store)
    assert result.returncode == 0
    assert "https://w3id.org/r2p-graph/graph/countries" in result.stdout


def test_validate_reports_violations_with_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "mou.ttl"
    path.write_text(
        "@prefix r2p: <https://w3id.org/r2p-graph/ontology#> .\n"
        "<https://w3id.org/r2p-graph/id/agreement/x> a r2p:MemorandumOfUnderstanding ;\n"
        '  <http://www.w3.org/2000/01/rdf-schema#label> "An MoU"@en ;\n'
        "  r2p:party <https://w3id.org/r2p-graph/id/organization/budapest-centre> .\n"
    )
    result = cli("validate", path)
    assert result.returncode == 1
    assert "at least two different parties" in result.stdout
    assert "does NOT conform" in result.stdout


def test_validate_bundled_file_conforms() -> None:
    result = cli("validate", "data/prevention-field.ttl")
    assert result.returncode == 0, result.stdout
    assert "conforms (0 violations" in result.stdout


def test_validate_malformed_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.ttl"
    path.write_text("<a> <b> .")
    assert_one_line_error(cli("validate", path), "bad.ttl:1:")


def test_generate_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a.nt", tmp_path / "b.nt"
    assert cli("generate", "--scale", "3", "--seed", "7", "--output", first).returncode == 0
    assert cli("generate", "--scale", "3", "--seed", "7", "--output", second).returncode == 0
    assert first.read_bytes() == second.read_bytes()
    assert_one_line_error(cli("generate", "--output", tmp_path / "x.ttl"), "N-Triples")


def test_reason_requires_check() -> None:
    assert_one_line_error(cli("reason"), "--check")


@pytest.mark.slow
def test_reason_check(store: Path) -> None:
    result = cli("reason", "--check", "--with-data", data_dir=store)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "consistent" in result.stdout


def test_store_in_use_is_one_line(store: Path) -> None:
    with OxigraphRepository.open(store):
        assert_one_line_error(cli("stats", data_dir=store), "in use")


def test_validate_resolves_references_against_the_store(store: Path, tmp_path: Path) -> None:
    partner = tmp_path / "partner.ttl"
    partner.write_text(
        "@prefix r2p: <https://w3id.org/r2p-graph/ontology#> .\n"
        "<https://w3id.org/r2p-graph/id/organization/partner> a r2p:NonGovernmentalOrganization ;\n"
        '  <http://www.w3.org/2000/01/rdf-schema#label> "Partner"@en ;\n'
        "  r2p:operatingLevel r2p:local .\n"
    )
    assert cli("load", partner, data_dir=store).returncode == 0
    mou = tmp_path / "mou.ttl"
    mou.write_text(
        "@prefix r2p: <https://w3id.org/r2p-graph/ontology#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "<https://w3id.org/r2p-graph/id/agreement/new> a r2p:MemorandumOfUnderstanding ;\n"
        '  <http://www.w3.org/2000/01/rdf-schema#label> "A new MoU"@en ;\n'
        '  r2p:agreementStatus r2p:signed ; r2p:signingDate "2026-01-05"^^xsd:date ;\n'
        "  r2p:party <https://w3id.org/r2p-graph/id/organization/budapest-centre> ,\n"
        "            <https://w3id.org/r2p-graph/id/organization/partner> .\n"
    )
    alone = cli("validate", mou)
    assert alone.returncode == 1
    assert "organisations described in the graph" in alone.stdout
    with_store = cli("validate", mou, data_dir=store)
    assert with_store.returncode == 0, with_store.stdout
    assert "conforms (0 violations, 0 warnings)" in with_store.stdout


def test_bad_configuration_is_one_line(tmp_path: Path) -> None:
    command = [*EXE, "serve", "--data-dir", str(tmp_path / "s")]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "R2P_QUERY_TIMEOUT": "-1"},
    )
    assert_one_line_error(result, "configuration: query_timeout")


def test_partner_tokens(tmp_path: Path) -> None:
    data = tmp_path / "tokens-store"
    made = cli(
        "token", "create", "--name", "ngo", "--role", "contributor", "--partner", data_dir=data
    )
    assert made.returncode == 0, made.stderr
    assert "contributor, partner" in made.stderr
    shorthand = cli("token", "create", "--name", "observer", "--role", "partner", data_dir=data)
    assert shorthand.returncode == 0, shorthand.stderr
    listed = cli("token", "list", data_dir=data).stdout.splitlines()
    assert [line.split("\t")[:2] for line in listed] == [
        ["ngo", "contributor partner"],
        ["observer", "reader partner"],
    ]
    assert_one_line_error(
        cli("token", "create", "--name", "x", "--role", "chief", data_dir=data), "unknown role"
    )


def test_catalogue_query_by_name(store: Path) -> None:
    listed = cli("queries")
    assert listed.returncode == 0, listed.stderr
    assert "dormant-agreements\tDormant agreements" in listed.stdout
    shown = cli("queries", "partner-network")
    assert "--param depth=" in shown.stdout
    result = cli(
        "query", "--name", "directory", "--param", "level=international", "--format", "csv",
        data_dir=store,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("name,kindName,levelName")
    assert all("International" in line for line in lines[1:])
    assert len(lines) > 1
    # A paged query takes its page as any other parameter.
    paged = cli(
        "query", "--name", "coalition-membership", "--param", "page=2", "--format", "csv",
        data_dir=store,
    )  # fmt: skip
    assert paged.returncode == 0, paged.stderr
    assert paged.stdout.startswith("network,networkName,member,memberName,how")


def test_catalogue_query_errors(store: Path) -> None:
    before = snapshot(store)
    assert_one_line_error(
        cli("query", "--name", "nope", data_dir=store), "no catalogue query is called 'nope'"
    )
    assert_one_line_error(
        cli("query", "--name", "dormant-agreements", "--param", "months=x", data_dir=store),
        "parameter 'months'",
    )
    assert_one_line_error(
        cli("query", "--name", "directory", "--param", "level", data_dir=store), "key=value"
    )
    assert_one_line_error(
        cli("query", "--name", "coalition-membership", "--param", "page=0", data_dir=store),
        "parameter 'page': '0' is not a page number",
    )
    assert snapshot(store) == before
