"""Reasoning from the command line: a load that would make the data inconsistent is refused in
one line with nothing written; commands that write, and ``reason --materialise``, leave the
fingerprint of the data with the inferred graphs, so that ``serve`` need not derive them again."""

from __future__ import annotations

from pathlib import Path

from r2p_graph.services.inference import InferringRepository
from r2p_graph.services.inference.state import recorded_fingerprint
from r2p_graph.store import OxigraphRepository
from tests.cli.test_cli import assert_one_line_error, cli, snapshot, store  # noqa: F401

R2P = "https://w3id.org/r2p-graph/ontology#"
EX = "http://example.org/synthetic/cli/"


def fingerprint_is_current(data_dir: Path) -> bool:
    with OxigraphRepository.open(data_dir) as repo:
        return recorded_fingerprint(repo) == InferringRepository(repo).fingerprint()


def test_an_inconsistent_load_is_refused_naming_the_thing(store: Path, tmp_path: Path) -> None:  # noqa: F811
    person = tmp_path / "person.ttl"
    person.write_text(f"<{EX}ana> a <{R2P}Person> .\n")
    assert cli("load", person, data_dir=store).returncode == 0
    assert fingerprint_is_current(store)
    before = snapshot(store)
    organisation = tmp_path / "organisation.ttl"
    organisation.write_text(f"<{EX}ana> <{R2P}operatingLevel> <{R2P}national> .\n")
    result = cli("load", organisation, data_dir=store)
    assert_one_line_error(result, f"<{EX}ana>", "Organization", "Person", "disjoint")
    assert snapshot(store) == before


def test_reason_materialise_records_the_fingerprint(store: Path) -> None:  # noqa: F811
    result = cli("reason", "--materialise", data_dir=store)
    assert result.returncode == 0, result.stderr
    assert "inferred graphs:" in result.stderr
    assert fingerprint_is_current(store)
