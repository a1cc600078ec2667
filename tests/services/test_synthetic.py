"""The synthetic data generator: deterministic, streamed, clearly invented, valid against the
model and the shapes, and about a hundred triples per organisation."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import Graph

from r2p_graph.errors import UnknownFormatError
from r2p_graph.ontology.bundle import DATA_DIR, ONTOLOGY_DIR, SHAPES_FILE
from r2p_graph.services.synthetic import SYNTHETIC_GRAPH, generate, plan
from r2p_graph.store.formats import RdfFormat

R2P = "https://w3id.org/r2p-graph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
ID = "https://w3id.org/r2p-graph/id/"
CHECKED_NAMESPACES = (
    R2P,
    "https://w3id.org/r2p-graph/vocab/framework/",
    "https://w3id.org/r2p-graph/vocab/quantitative/",
    "https://w3id.org/r2p-graph/vocab/steps/",
    ID + "country/",
)
BUNDLED_FILES = (
    ONTOLOGY_DIR / "r2p.ttl",
    ONTOLOGY_DIR / "indicators.ttl",
    ONTOLOGY_DIR / "steps.ttl",
    DATA_DIR / "countries.ttl",
)
TODAY = dt.date(2026, 11, 21)
SCALE = 300
SEED = 11
PREFIXES = f"""
PREFIX r2p: <{R2P}>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
"""


def _generate(scale: int, seed: int, fmt: RdfFormat = RdfFormat.N_TRIPLES) -> tuple[int, bytes]:
    out = io.BytesIO()
    count = generate(out, scale=scale, seed=seed, fmt=fmt)
    return count, out.getvalue()


@pytest.fixture(scope="module")
def dataset() -> tuple[int, bytes]:
    return _generate(SCALE, SEED)


@pytest.fixture(scope="module")
def triples(dataset: tuple[int, bytes]) -> list[ox.Quad]:
    return list(ox.parse(dataset[1], format=ox.RdfFormat.N_TRIPLES))


@pytest.fixture(scope="module")
def bundled() -> list[ox.Quad]:
    return [q for path in BUNDLED_FILES for q in ox.parse(path=path, format=ox.RdfFormat.TURTLE)]


@pytest.fixture(scope="module")
def store(triples: list[ox.Quad], bundled: list[ox.Quad]) -> ox.Store:
    store = ox.Store()
    store.extend(triples)
    store.extend(bundled)
    return store


def _select(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    solutions = store.query(PREFIXES + query)
    assert isinstance(solutions, ox.QuerySolutions)
    return [tuple(term.value if term is not None else "" for term in row) for row in solutions]


def _ask(store: ox.Store, query: str) -> bool:
    return bool(store.query(PREFIXES + query))


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """The IRI, blank node id or lexical form of a term."""
    assert not isinstance(term, ox.Triple)
    return term.value


def _iris(quad: ox.Quad) -> Iterator[str]:
    for term in (quad.subject, quad.predicate, quad.object):
        if isinstance(term, ox.NamedNode):
            yield term.value


# --- determinism, size, streaming ---------------------------------------------------------------


def test_same_seed_gives_same_bytes_and_other_seed_other_bytes() -> None:
    count, first = _generate(60, 3)
    again_count, again = _generate(60, 3)
    other_count, other = _generate(60, 4)
    assert (count, first) == (again_count, again)
    assert other != first
    assert count > 0 and other_count > 0


def test_output_does_not_depend_on_the_hash_seed() -> None:
    script = (
        "import hashlib, io, sys\n"
        "from r2p_graph.services.synthetic import generate\n"
        "out = io.BytesIO(); generate(out, scale=80, seed=5)\n"
        "print(hashlib.sha256(out.getvalue()).hexdigest())\n"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": str(hash_seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in (1, 2)
    }
    assert len(digests) == 1
    assert hashlib.sha256(_generate(80, 5)[1]).hexdigest() + "\n" in digests


class _CountingSink(io.RawIOBase):
    """A binary stream that keeps only the sizes of the writes made to it."""

    def __init__(self) -> None:
        self.writes: list[int] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.writes.append(len(data))
        return len(data)


def test_output_is_streamed_in_small_writes() -> None:
    sink = _CountingSink()
    count = generate(sink, scale=SCALE, seed=SEED)  # type: ignore[arg-type]
    assert len(sink.writes) >= count // 1_000
    assert max(sink.writes) < 1_000 * 400


def test_triple_count_grows_linearly_at_about_a_hundred_per_organisation() -> None:
    counts = {scale: _generate(scale, 1)[0] for scale in (100, 400, 1600)}
    for scale, count in counts.items():
        assert 80 <= count / scale <= 120, (scale, count)
    assert 3.6 <= counts[1600] / counts[400] <= 4.4
    assert 3.6 <= counts[400] / counts[100] <= 4.4


def test_output_parses_and_has_one_line_per_triple(dataset: tuple[int, bytes]) -> None:
    count, data = dataset
    assert len(list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))) == count
    assert data.count(b"\n") == count


def test_n_quads_put_every_triple_in_the_synthetic_graph() -> None:
    count, data = _generate(20, 2, RdfFormat.N_QUADS)
    quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    assert len(quads) == count
    assert {q.graph_name for q in quads} == {ox.NamedNode(SYNTHETIC_GRAPH)}
    assert data.replace(f" <{SYNTHETIC_GRAPH}> .\n".encode(), b" .\n") == _generate(20, 2)[1]


def test_progress_reports_add_up_to_the_count() -> None:
    calls: list[int] = []
    count = generate(io.BytesIO(), scale=SCALE, seed=SEED, progress=calls.append)
    assert sum(calls) == count
    assert len(calls) >= 2
    assert all(9_000 <= n <= 12_000 for n in calls[:-1])


def test_other_formats_are_refused() -> None:
    with pytest.raises(UnknownFormatError):
        generate(io.BytesIO(), scale=2, seed=1, fmt=RdfFormat.TURTLE)


def test_plan_grows_with_scale_and_refuses_nonsense() -> None:
    small, large = plan(100), plan(1000)
    assert large.organizations == 1000
    assert sum(n for _, n in large.organization_kinds) == 1000
    assert large.observations > small.observations and large.people > small.people
    assert len(plan(7).organization_kinds) == 7
    with pytest.raises(ValueError, match="scale"):
        plan(0)


@pytest.mark.parametrize("scale", [1, 2, 3, 5, 8])
def test_tiny_scales_work(scale: int) -> None:
    count, data = _generate(scale, 9)
    assert len(list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))) == count


# --- clearly synthetic, refers only to what exists -----------------------------------------------


def test_every_label_starts_with_synthetic(triples: list[ox.Quad]) -> None:
    labels = [q.object for q in triples if q.predicate.value == RDFS_LABEL]
    assert labels
    assert all(isinstance(label, ox.Literal) and label.language == "en" for label in labels)
    assert [_text(label) for label in labels if not _text(label).startswith("Synthetic ")] == []


def test_minted_iris_are_synthetic_and_web_addresses_are_examples(
    triples: list[ox.Quad],
) -> None:
    for quad in triples:
        for iri in _iris(quad):
            if iri.startswith(ID):
                assert iri.startswith((ID + "synthetic/", ID + "country/")), iri
    pages = {_text(q.object) for q in triples if q.predicate.value.endswith(("homepage", "source"))}
    assert pages
    assert all(page.startswith("https://example.org/synthetic/") for page in pages)


def test_graph_describes_itself(triples: list[ox.Quad]) -> None:
    about = {
        q.predicate.value: _text(q.object) for q in triples if _text(q.subject) == SYNTHETIC_GRAPH
    }
    assert about[RDF_TYPE] == "http://rdfs.org/ns/void#Dataset"
    assert about[RDFS_LABEL] == "Synthetic data"
    assert (
        "describes no real organisation or person" in about[RDFS_LABEL.replace("label", "comment")]
    )
    assert f"scale {SCALE}" in about["http://purl.org/dc/terms/description"]


def test_every_vocabulary_iri_referred_to_exists_in_the_bundled_files(
    triples: list[ox.Quad], bundled: list[ox.Quad]
) -> None:
    defined = {_text(q.subject) for q in bundled if isinstance(q.subject, ox.NamedNode)}
    used = {iri for q in triples for iri in _iris(q) if iri.startswith(CHECKED_NAMESPACES)}
    assert used
    assert sorted(used - defined) == []


def test_only_sovereign_countries_are_used(store: ox.Store) -> None:
    assert not _ask(
        store,
        """ASK { ?x r2p:country|r2p:recipientCountry|r2p:coversCountry|r2p:about ?c .
                 FILTER NOT EXISTS { ?c r2p:sovereign true } }""",
    )


# --- dates ---------------------------------------------------------------------------------------


def test_dates_are_typed_in_the_window_and_ends_follow_starts(triples: list[ox.Quad]) -> None:
    starts: dict[str, dt.date] = {}
    ends: dict[str, dt.date] = {}
    for quad in triples:
        obj = quad.object
        if isinstance(obj, ox.Literal) and quad.predicate.value.lower().endswith("date"):
            assert obj.datatype.value == XSD_DATE, quad
            day = dt.date.fromisoformat(obj.value)
            assert dt.date(2005, 1, 1) <= day <= dt.date(2028, 12, 31), quad
            if quad.predicate.value == R2P + "startDate":
                starts[_text(quad.subject)] = day
            elif quad.predicate.value == R2P + "endDate":
                ends[_text(quad.subject)] = day
    assert ends
    assert all(subject in starts for subject in ends)
    assert [s for s, end in ends.items() if end < starts[s]] == []


def test_agreement_status_fits_its_dates(store: ox.Store) -> None:
    rows = _select(
        store,
        """SELECT ?status ?signed ?start ?end WHERE {
             ?a a r2p:MemorandumOfUnderstanding ; r2p:agreementStatus ?status ;
                r2p:signingDate ?signed ; r2p:startDate ?start .
             OPTIONAL { ?a r2p:endDate ?end } }""",
    )
    assert rows
    for status, signed_text, start_text, end_text in rows:
        signed, start = dt.date.fromisoformat(signed_text), dt.date.fromisoformat(start_text)
        end = dt.date.fromisoformat(end_text) if end_text else None
        assert signed <= start
        name = status.removeprefix(R2P)
        if name == "draft":
            assert signed > TODAY
        elif name == "signed":
            assert signed <= TODAY < start
        elif name == "inForce":
            assert start <= TODAY and (end is None or end >= TODAY)
        else:
            assert end is not None and end < TODAY, (name, end)


# --- content -------------------------------------------------------------------------------------


def test_organisations_of_every_kind_and_level_with_one_level_each(store: ox.Store) -> None:
    kinds = _select(store, "SELECT DISTINCT ?k WHERE { ?o a r2p:Organization, ?k }")
    expected = {
        "IntergovernmentalOrganization",
        "RegionalOrganization",
        "GovernmentBody",
        "NationalPreventionMechanism",
        "NonGovernmentalOrganization",
        "AcademicInstitution",
        "Network",
    }
    assert expected <= {k.removeprefix(R2P) for (k,) in kinds}
    levels = _select(
        store,
        """SELECT ?o (COUNT(?l) AS ?n) (SAMPLE(?l) AS ?level) WHERE {
             ?o a r2p:Organization . OPTIONAL { ?o r2p:operatingLevel ?l } } GROUP BY ?o""",
    )
    assert len(levels) == SCALE
    assert {n for _, n, _ in levels} == {"1"}
    assert {level.removeprefix(R2P) for _, _, level in levels} == {
        "international",
        "regional",
        "national",
        "local",
    }


def test_headquarters_are_near_their_country(store: ox.Store) -> None:
    rows = _select(
        store,
        """SELECT ?site ?wkt ?home WHERE {
             ?o r2p:headquarters ?site . ?site a r2p:Site ; r2p:country ?c ; geo:hasGeometry ?p .
             ?p a geo:Geometry ; geo:asWKT ?wkt .
             ?c geo:hasGeometry/geo:asWKT ?home .
             FILTER (STR(?p) = CONCAT(STR(?site), "/point")) }""",
    )
    assert len(rows) == SCALE

    def point(wkt: str) -> tuple[float, float]:
        lon, lat = wkt.removeprefix("POINT(").removesuffix(")").split()
        return float(lon), float(lat)

    for site, wkt, home in rows:
        (lon, lat), (home_lon, home_lat) = point(wkt), point(home)
        assert abs(lat - home_lat) <= 1.0, site
        assert min(abs(lon - home_lon), 360 - abs(lon - home_lon)) <= 1.0, site


def test_sub_organisation_chains_are_short_and_acyclic(store: ox.Store) -> None:
    assert _ask(store, "ASK { ?a org:subOrganizationOf ?b }")
    assert not _ask(store, "ASK { ?a org:subOrganizationOf+ ?a }")
    assert not _ask(
        store,
        "ASK { ?a org:subOrganizationOf/org:subOrganizationOf/"
        "org:subOrganizationOf/org:subOrganizationOf ?b }",
    )


def test_near_duplicates_share_a_homepage_under_another_name(store: ox.Store) -> None:
    rows = _select(
        store,
        """SELECT ?a ?b ?la ?lb WHERE {
             ?a foaf:homepage ?page ; rdfs:label ?la . ?b foaf:homepage ?page ; rdfs:label ?lb .
             FILTER (STR(?a) < STR(?b)) }""",
    )
    assert 1 <= len(rows) <= 0.05 * SCALE
    assert all(la != lb for _, _, la, lb in rows)


def test_memberships_link_organisations_to_networks_with_periods(store: ox.Store) -> None:
    rows = _select(
        store,
        """SELECT ?m ?net ?role ?start WHERE {
             ?m a r2p:Membership ; org:member ?who ; org:organization ?net ; org:role ?role ;
                org:memberDuring [ a r2p:Period ; r2p:startDate ?start ] .
             ?net a r2p:Network . FILTER (?who != ?net) }""",
    )
    assert len(rows) == plan(SCALE).memberships


def test_people_are_mostly_public_and_hold_posts(store: ox.Store) -> None:
    rows = _select(
        store,
        """SELECT ?v (COUNT(DISTINCT ?p) AS ?n) WHERE {
             ?p a r2p:Person ; r2p:visibility ?v ; org:holds [ org:postIn ?o ; r2p:postType ?t ] }
           GROUP BY ?v""",
    )
    shares = {v.removeprefix(R2P): int(n) / plan(SCALE).people for v, n in rows}
    assert sum(int(n) for _, n in rows) == plan(SCALE).people
    assert shares["public"] > 0.7 and 0.08 < shares["partners"] < 0.25
    assert 0 < shares["restricted"] < 0.12
    assert not _ask(
        store,
        "ASK { ?post r2p:postType r2p:r2pFocalPoint FILTER NOT EXISTS { ?post r2p:country ?c } }",
    )


def test_memoranda_have_two_to_four_distinct_parties(store: ox.Store) -> None:
    rows = _select(
        store,
        """SELECT ?a (COUNT(DISTINCT ?p) AS ?n) WHERE { ?a a r2p:MemorandumOfUnderstanding ;
             r2p:party ?p ; r2p:coversCountry ?c ; r2p:theme ?t . ?t a r2p:ResponseStep }
           GROUP BY ?a""",
    )
    assert len(rows) == plan(SCALE).agreements
    assert all(2 <= int(n) <= 4 for _, n in rows)


def test_some_memoranda_are_dormant_and_others_lead_to_work(store: ox.Store) -> None:
    """Dormant: in force, yet no programme or event of two of its parties since signing."""
    work: dict[str, tuple[dt.date, set[str]]] = {}
    for thing, start, who in _select(
        store,
        """SELECT ?w ?start ?who WHERE { ?w r2p:startDate ?start .
             { ?w r2p:hasParticipation/r2p:participant ?who }
             UNION { ?w r2p:organizer|r2p:attendee ?who } }""",
    ):
        work.setdefault(thing, (dt.date.fromisoformat(start), set()))[1].add(who)
    agreements: dict[str, tuple[str, dt.date, set[str], set[str]]] = {}
    for mou, status, signed, party, established in _select(
        store,
        """SELECT ?mou ?status ?signed ?party ?established WHERE {
             ?mou a r2p:MemorandumOfUnderstanding ; r2p:agreementStatus ?status ;
                  r2p:signingDate ?signed ; r2p:party ?party .
             OPTIONAL { ?mou r2p:establishes ?established } } ORDER BY ?mou""",
    ):
        entry = agreements.setdefault(mou, (status, dt.date.fromisoformat(signed), set(), set()))
        entry[2].add(party)
        if established:
            entry[3].add(established)

    def worked_together(signed: dt.date, parties: set[str]) -> set[str]:
        return {
            w for w, (start, who) in work.items() if start >= signed and len(who & parties) >= 2
        }

    dormant = [
        mou
        for mou, (status, signed, parties, _) in agreements.items()
        if status == R2P + "inForce" and not worked_together(signed, parties)
    ]
    leading = [
        mou
        for mou, (_, signed, parties, established) in agreements.items()
        if established and established <= worked_together(signed, parties)
    ]
    assert dormant
    assert leading


def test_programmes_have_participations_with_an_implementer(store: ox.Store) -> None:
    assert len(_select(store, "SELECT ?p WHERE { ?p a r2p:Programme }")) == plan(SCALE).programmes
    assert not _ask(
        store,
        """ASK { ?p a r2p:Programme .
                 FILTER NOT EXISTS { ?p r2p:hasParticipation/r2p:participationRole
                                     r2p:implementingRole } }""",
    )
    bad_participations = _select(
        store,
        """SELECT ?x WHERE { ?x a r2p:Participation .
             OPTIONAL { ?x r2p:participant ?o } OPTIONAL { ?x r2p:participationRole ?r } }
           GROUP BY ?x HAVING (COUNT(DISTINCT ?o) != 1 || COUNT(DISTINCT ?r) != 1)""",
    )
    assert bad_participations == []
    joint = _select(
        store,
        """SELECT ?p (COUNT(DISTINCT ?o) AS ?n) WHERE {
             ?p a r2p:JointProgramme ; r2p:hasParticipation/r2p:participant ?o } GROUP BY ?p""",
    )
    assert 0.15 * plan(SCALE).programmes <= len(joint) <= 0.45 * plan(SCALE).programmes
    assert all(int(n) >= 2 for _, n in joint)


def test_programmes_overlap_in_country_period_step_risk_factor_and_partner(
    store: ox.Store,
) -> None:
    pairs = _select(
        store,
        """SELECT DISTINCT ?p1 ?p2 WHERE {
             ?p1 r2p:recipientCountry ?c ; r2p:startDate ?s1 ; r2p:targetsStep ?step ;
                 r2p:addressesRiskFactor ?rf ; r2p:hasParticipation/r2p:participant ?org .
             ?p2 r2p:recipientCountry ?c ; r2p:startDate ?s2 ; r2p:targetsStep ?step ;
                 r2p:addressesRiskFactor ?rf ; r2p:hasParticipation/r2p:participant ?org .
             FILTER (STR(?p1) < STR(?p2))
             OPTIONAL { ?p1 r2p:endDate ?e1 } OPTIONAL { ?p2 r2p:endDate ?e2 }
             FILTER ((!BOUND(?e1) || ?s2 <= ?e1) && (!BOUND(?e2) || ?s1 <= ?e2)) }""",
    )
    assert len(pairs) >= 0.3 * plan(SCALE).programmes


def test_events_have_organisers_attendees_and_some_are_planned(store: ox.Store) -> None:
    rows = _select(
        store,
        """SELECT ?e ?start ?part WHERE {
             ?e a r2p:Event ; r2p:organizer [ a r2p:Organization ] ; r2p:attendee ?who ;
                r2p:country ?c ; r2p:startDate ?start ; r2p:endDate ?end .
             OPTIONAL { ?e r2p:partOfProgramme ?part } }""",
    )
    events = {e: (start, part) for e, start, part in rows}
    assert len(events) == plan(SCALE).events
    assert sum(1 for _, part in events.values() if part) >= 0.4 * len(events)
    planned = [
        start
        for start, _ in events.values()
        if TODAY < dt.date.fromisoformat(start) <= dt.date(2027, 11, 21)
    ]
    assert len(planned) >= plan(SCALE).planned_events
    assert _ask(store, "ASK { ?e r2p:attendee [ a r2p:Person ] }")


def test_observations_have_one_reading_that_fits_the_scale(store: ox.Store) -> None:
    rows = _select(
        store,
        """SELECT ?o ?scale ?level ?value WHERE {
             ?o a r2p:IndicatorObservation ; r2p:indicator ?i ; r2p:country ?c ;
                r2p:startDate ?s ; r2p:endDate ?e ; r2p:source ?src .
             ?i r2p:scale ?scale .
             OPTIONAL { ?o r2p:level ?level } OPTIONAL { ?o r2p:numericValue ?value } }""",
    )
    assert len(rows) == plan(SCALE).observations
    assert len({o for o, *_ in rows}) == len(rows)
    seen: Counter[str] = Counter()
    for _, scale, level, value in rows:
        name = scale.removeprefix(R2P)
        seen[name] += 1
        assert bool(level) != bool(value)
        if name == "qualitativeScale":
            assert level.startswith(R2P)
        elif name == "countScale":
            assert float(value) >= 0 and float(value) == int(float(value))
        elif name == "proportionScale":
            assert 0 <= float(value) <= 1
        else:
            assert 0 <= float(value) <= 10
    assert set(seen) == {"qualitativeScale", "countScale", "proportionScale", "indexScale"}


def test_trigger_indicators_are_read_in_future_periods(store: ox.Store) -> None:
    rows = _select(
        store,
        """SELECT ?o ?notation WHERE {
             ?o r2p:indicator ?i ; r2p:startDate ?s .
             ?i r2p:riskFactor/skos:notation "8" ; skos:notation ?notation .
             FILTER (?s > "2026-11-21"^^xsd:date) }""",
    )
    assert len(rows) >= plan(SCALE).trigger_observations
    assert "8.9" in {notation for _, notation in rows}


def test_assessments_rest_on_earlier_observations_of_their_country(store: ox.Store) -> None:
    rows = _select(
        store,
        """SELECT ?a (COUNT(DISTINCT ?c) AS ?countries) (COUNT(DISTINCT ?day) AS ?days)
                  (COUNT(DISTINCT ?level) AS ?levels) (COUNT(DISTINCT ?o) AS ?based)
                  (SAMPLE(?method) AS ?m) WHERE {
             ?a a r2p:RiskAssessment ; r2p:country ?c ; r2p:assessmentDate ?day ;
                r2p:riskLevel ?level ; r2p:method ?method ; r2p:assessor [ a r2p:Organization ] ;
                r2p:basedOn ?o .
             ?o a r2p:IndicatorObservation ; r2p:country ?c ; r2p:startDate ?s .
             FILTER (?s <= ?day) } GROUP BY ?a""",
    )
    assert len(rows) == plan(SCALE).assessments
    assert all((c, d, lv) == ("1", "1", "1") and int(b) >= 1 for _, c, d, lv, b, _ in rows)
    assert all('"' in method and "\n" in method for *_, method in rows)
    scenarios = _select(
        store,
        """SELECT ?s WHERE { ?s a r2p:Scenario ; r2p:country ?c ; r2p:likelihood ?l ;
             r2p:scenarioOf [ a r2p:RiskAssessment ; r2p:country ?c ] }""",
    )
    assert len(scenarios) == plan(SCALE).scenarios


def test_situations_and_reports(store: ox.Store) -> None:
    situations = _select(
        store,
        "SELECT DISTINCT ?s WHERE { ?s a r2p:Situation ; r2p:country ?c ; r2p:startDate ?d ;"
        " r2p:crimeType ?t }",
    )
    reports = _select(
        store,
        "SELECT DISTINCT ?r WHERE { ?r a r2p:Report ; r2p:author ?a ; r2p:publicationDate ?d ;"
        " r2p:about [ a r2p:Country ] }",
    )
    assert len(situations) == plan(SCALE).situations
    assert len(reports) == plan(SCALE).reports


def test_things_are_numbered_from_one_per_kind(triples: list[ox.Quad]) -> None:
    numbers: dict[str, set[int]] = defaultdict(set)
    for quad in triples:
        parts = _text(quad.subject).removeprefix(ID + "synthetic/").split("/")
        if _text(quad.subject).startswith(ID + "synthetic/") and len(parts) == 2:
            numbers[parts[0]].add(int(parts[1]))
    expected = {
        "organization", "site", "person", "post", "membership", "agreement", "programme",
        "participation", "event", "assessment", "scenario", "observation", "situation",
        "report", "period",
    }  # fmt: skip
    assert set(numbers) == expected
    assert all(found == set(range(1, len(found) + 1)) for found in numbers.values())


# --- SHACL ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_scale_30_conforms_to_the_shapes() -> None:
    if not SHAPES_FILE.is_file():
        pytest.skip(f"{SHAPES_FILE} is not there yet")
    data = Graph()
    data.parse(data=_generate(30, 5)[1], format="nt")
    for path in BUNDLED_FILES:
        data.parse(Path(path), format="turtle")
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, advanced=True)
    if not conforms:
        print(text)
    assert conforms, text
