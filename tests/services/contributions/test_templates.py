"""CSV templates: every template round-trips (its example row in, valid RDF out, committed), and
a CSV with one bad row is refused whole with the row and column named."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF

from r2p_graph.errors import InputError
from r2p_graph.services.contributions.intake import read_submission
from r2p_graph.services.contributions.model import Metadata
from r2p_graph.services.contributions.rebuild import dump_bytes
from r2p_graph.services.contributions.report import report_json
from r2p_graph.services.contributions.service import (
    ContributionRejectedError,
    ContributionService,
)
from r2p_graph.services.contributions.templates import KINDS, template_named
from r2p_graph.store import OxigraphRepository

ID = "https://w3id.org/r2p-graph/id/"
R2P = "https://w3id.org/r2p-graph/ontology#"
EXPECTED_TYPE = {
    "organisations": ("organization/example-centre", "NonGovernmentalOrganization"),
    "people": ("person/example-person", "Person"),
    "agreements": ("agreement/example-mou", "MemorandumOfUnderstanding"),
    "programmes": ("programme/example-training", "Programme"),
    "events": ("event/example-workshop", "Workshop"),
    "observations": ("observation/hu-2025-example", "IndicatorObservation"),
}


def test_every_template_round_trips(bundled_repo: OxigraphRepository, tmp_path: Path) -> None:
    """The templates in the order a partner fills them (organisations first: the others refer
    to the example organisation): each example row is accepted with no violation."""
    service = ContributionService(bundled_repo, tmp_path / "log")
    for kind in KINDS:
        template = template_named(kind)
        blank = template.blank()
        assert blank.splitlines()[0].split(",") == template.header()
        submission = read_submission(blank.encode(), "text/csv", kind=kind)
        accepted = service.submit(submission.graph, Metadata(media_type="text/csv"), "tester")
        assert accepted.report.accepted, report_json(accepted.report, submission.cells)
        path, cls = EXPECTED_TYPE[kind]
        assert (URIRef(ID + path), RDF.type, URIRef(R2P + cls)) in submission.graph
        stored = set(service.triples(accepted.record.id))
        assert len(stored) == accepted.record.triples == len(submission.graph)


def test_one_bad_row_refuses_the_whole_csv(
    bundled_repo: OxigraphRepository, tmp_path: Path
) -> None:
    service = ContributionService(bundled_repo, tmp_path / "log")
    before = dump_bytes(bundled_repo)
    rows = (
        "id,type,name_en,operating_level,based_in\n"
        "good-one,NonGovernmentalOrganization,Good One (synthetic),national,HU\n"
        "bad-one,NonGovernmentalOrganization,Bad One (synthetic),national,XX\n"
        "good-two,AcademicInstitution,Good Two (synthetic),local,AT\n"
    )
    submission = read_submission(rows.encode(), "text/csv", kind="organisations")
    with pytest.raises(ContributionRejectedError) as refused:
        service.submit(submission.graph, Metadata(), "tester")
    report = report_json(refused.value.report, submission.cells)
    blocking = [r for r in report["results"] if r["blocking"]]  # type: ignore[union-attr]
    assert [(r["row"], r["column"]) for r in blocking] == [(3, "based_in")]
    assert dump_bytes(bundled_repo) == before
    assert not (tmp_path / "log").exists() or not list((tmp_path / "log").iterdir())


def test_bad_date_is_named_by_row_and_column(bundled_repo: OxigraphRepository) -> None:
    service = ContributionService(bundled_repo, None)
    rows = (
        "id,name_en,parties,signing_date,status\n"
        "mou-a,MoU A (synthetic),budapest-centre|global-centre-r2p,2024-02-30,inForce\n"
    )
    submission = read_submission(rows.encode(), "text/csv", kind="agreements")
    with pytest.raises(ContributionRejectedError) as refused:
        service.submit(submission.graph, Metadata(), "tester")
    report = report_json(refused.value.report, submission.cells)
    cells = {(r["row"], r["column"]) for r in report["results"] if r["blocking"]}  # type: ignore[union-attr]
    assert cells == {(2, "signing_date")}


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        ("", "the CSV is empty"),
        ("id,colour\nx,red\n", "unknown column colour"),
        ("name_en\nX\n", "needs the id column"),
        ("id,name_en\n,Nameless\n", "row 2: the id cell is empty"),
        ("id,name_en\n", "no filled row"),
        ("id,homepage\nx,not an iri\n", "row 2, column homepage"),
        ("id,name_en,name_en\nx,a,b\n", "appears twice"),
        ("id,name_local\nx,Alfa\n", "name_local_language must give the language"),
        ("id,name_en\nx,A,extra\n", "row 2 has 3 cells"),
    ],
)
def test_csv_that_does_not_fit_the_template(csv: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_submission(csv.encode(), "text/csv", kind="organisations")


def test_unknown_kind_and_missing_kind() -> None:
    with pytest.raises(InputError, match="no CSV template 'cats'"):
        read_submission(b"id\nx\n", "text/csv", kind="cats")
    with pytest.raises(InputError, match="names its template"):
        read_submission(b"id\nx\n", "text/csv")
    with pytest.raises(InputError, match="kind=people is for CSV"):
        read_submission(b"<http://a> <http://b> <http://c> .", "text/turtle", kind="people")


def test_not_utf8() -> None:
    with pytest.raises(InputError, match="UTF-8"):
        read_submission("id\nÁ\n".encode("latin-1"), "text/csv", kind="organisations")


def test_readme_documents_every_column() -> None:
    readme = (Path(__file__).parents[3] / "README.md").read_text(encoding="utf-8")
    for kind in KINDS:
        assert f"/contributions/templates/{kind}.csv" in readme
        for column in template_named(kind).columns:
            assert f"| `{column.name}` | {column.doc}" in readme, (kind, column.name)
