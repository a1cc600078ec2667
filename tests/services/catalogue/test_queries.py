"""Every catalogue query on the synthetic fixture, with the exact rows expected.

Dates in the fixture are chosen for the edge cases: programme 2 starts on the day programme 1
ends (they overlap on that single day) and has no end (still running); programme 4 ends the day
before programme 1 starts (no overlap); org1 and org3 both take part in programmes 1 and 2
(several shared partners); org6 and org7 belong to Network Alpha only by inference (a parent
organisation is a member), org1 through Network Beta (part of Alpha). "Today" is 2026-06-30.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.services.catalogue.conftest import RunQuery

D = dt.date
ORG = "https://w3id.org/r2p-graph/id/fixture/"
XA = ("c:XA", "Alphaland (synthetic)")
XB = ("c:XB", "Betaland (synthetic)")
XC = ("c:XC", "Gammaland (synthetic)")
P1_P2 = (
    *XA, "ex:p1", "Fixture programme 1", "ex:p2", "Fixture programme 2",
    D(2025, 12, 31), D(2025, 12, 31),
    "Dialogue; Early warning", "Events that may trigger atrocities",
    2, "Fixture Institute Three; Fixture NGO One",
)  # fmt: skip
P2_P3 = (
    *XA, "ex:p2", "Fixture programme 2", "ex:p3", "Fixture programme 3",
    D(2026, 3, 1), D(2026, 6, 30), None, None, 1, "Fixture NGO Two",
)  # fmt: skip


def test_overlapping_programmes_touching_on_one_day_and_open_ended(run: RunQuery) -> None:
    assert run("overlapping-programmes") == [P1_P2, P2_P3]
    assert run("overlapping-programmes", country="XA") == [P1_P2, P2_P3]
    assert run("overlapping-programmes", country="XB") == []


def test_overlapping_programmes_by_step_and_period(run: RunQuery) -> None:
    assert run("overlapping-programmes", step="early-warning") == [P1_P2]
    assert run("overlapping-programmes", **{"from": "2026-01-01"}) == [P2_P3]
    assert run("overlapping-programmes", to="2025-12-31") == [P1_P2]
    assert run("overlapping-programmes", to="2025-12-30") == []


def test_coverage_gaps(run: RunQuery) -> None:
    assert run("coverage-gaps") == [(*XC, "r2p:highRisk", D(2026, 3, 1), "ex:as3")]
    assert run("coverage-gaps", step="early-warning") == [
        (*XB, "r2p:veryHighRisk", D(2026, 2, 1), "ex:as2"),
        (*XC, "r2p:highRisk", D(2026, 3, 1), "ex:as3"),
    ]
    # Listed countries count whatever their risk; programme 3 ends on the day looked at.
    assert run("coverage-gaps", country="XA,XB", risk_factor="2") == [
        (*XB, "r2p:veryHighRisk", D(2026, 2, 1), "ex:as2")
    ]
    # On 2026-07-01 the latest assessment of XB is low, and programme 3 has ended.
    assert run("coverage-gaps", date="2026-07-01", risk_factor="2") == [
        (*XA, "r2p:highRisk", D(2026, 1, 15), "ex:as1"),
        (*XC, "r2p:highRisk", D(2026, 3, 1), "ex:as3"),
    ]


def test_dormant_agreements(run: RunQuery) -> None:
    # MoU 1: programme 2 (org1 and org3) still runs; MoU 3 expired; MoU 4 set up programme 3.
    assert run("dormant-agreements") == [
        (
            "ex:a2", "Fixture MoU 2", D(2023, 1, 1), D(2025, 6, 28),
            2, "Fixture Ministry Four; Fixture NGO Two",
        )
    ]  # fmt: skip
    # Within 24 months the workshop of org2 and org4 (March 2025) counts.
    assert run("dormant-agreements", months="24") == []


def test_who_does_what_where(run: RunQuery) -> None:
    p1 = ("ex:p1", "Fixture programme 1", D(2025, 1, 1), D(2025, 12, 31))
    p2 = ("ex:p2", "Fixture programme 2", D(2025, 12, 31), None)
    ew = ("step:early-warning", "Early warning")
    org1 = ("ex:org1", "Fixture NGO One", "r2p:implementingRole", "Implementing")
    org2 = ("ex:org2", "Fixture NGO Two", "r2p:implementingRole", "Implementing")
    org3 = ("ex:org3", "Fixture Institute Three", "r2p:fundingRole", "Funding")
    org4 = ("ex:org4", "Fixture Ministry Four", "r2p:accountableRole", "Accountable")
    assert run("who-does-what-where", country="XA", step="early-warning") == [
        (*XA, *org3, *ew, *p1),
        (*XA, *org3, *ew, *p2),
        (*XA, *org4, *ew, *p1),
        (*XA, *org1, *ew, *p1),
        (*XA, *org1, *ew, *p2),
        (*XA, *org2, *ew, *p2),
    ]
    assert run(
        "who-does-what-where", country="XA", step="early-warning", role="implementing",
        **{"from": "2026-01-01"},
    ) == [(*XA, *org1, *ew, *p2), (*XA, *org2, *ew, *p2)]  # fmt: skip


def test_directory_with_inferred_country_and_networks(run: RunQuery) -> None:
    ngo = "Non-governmental organisation"
    alpha, beta = "Fixture Network Alpha", "Fixture Network Beta"
    assert run("directory", kind="ngo", country="XA") == [
        ("Fixture NGO One", ngo, "National", XA[1], "ex:org1", "c:XA", f"{alpha}; {beta}"),
        ("Fixture NGO One.", ngo, "National", XA[1], "ex:org5", "c:XA", None),
        ("Fixture NGO Two", ngo, "Local", XA[1], "ex:org2", "c:XA", None),
    ]
    government = list(run("directory", kind="government"))
    assert [(r[0], r[6]) for r in government] == [
        ("Fixture Agency Six", alpha),  # through its parent, org4
        ("Fixture Unit Seven", alpha),  # through org6, then org4
        ("Fixture Ministry Four", alpha),
    ]
    assert [r[4] for r in run("directory", level="regional")] == ["ex:net2", "ex:org8", "ex:org9"]
    # An intergovernmental organisation includes the narrower regional organisations.
    assert [r[1] for r in run("directory", kind="igo")] == ["Regional organisation"] * 2


def test_partner_network(run: RunQuery) -> None:
    expected = [
        ("ex:net1", "Fixture Network Alpha", 1, 5),
        ("ex:org3", "Fixture Institute Three", 1, 4),
        ("ex:org4", "Fixture Ministry Four", 1, 4),
        ("ex:org2", "Fixture NGO Two", 1, 3),
        ("ex:net2", "Fixture Network Beta", 1, 1),
        ("ex:org6", "Fixture Agency Six", 2, 1),
        ("ex:org7", "Fixture Unit Seven", 2, 1),
    ]
    assert run("partner-network", organisation=ORG + "org1") == expected
    assert run("partner-network", organisation=ORG + "org1", depth="1") == expected[:5]
    assert run("partner-network", organisation=ORG + "org1", depth="3") == expected


def test_duplicate_candidates(run: RunQuery) -> None:
    same_one = ("ex:org1", "Fixture NGO One", "ex:org5", "Fixture NGO One.")
    assert run("duplicate-candidates") == [
        (*same_one, 2, "name variant; same website"),
        ("ex:org8", "Fixture Regional Body Eight", "ex:org9", "Fixture Regional Office Nine",
         1, "same Wikidata item"),
    ]  # fmt: skip
    assert run("duplicate-candidates", min_reasons="2") == [
        (*same_one, 2, "name variant; same website")
    ]


def test_indicator_trends(run: RunQuery) -> None:
    latest = ("r2p:highRisk", D(2026, 1, 15), "ex:as1")
    rf1 = ("fa:risk-factor-1", "Armed conflict or destabilising crisis")
    rf8 = ("fa:risk-factor-8", "Events that may trigger atrocities")
    assert run("indicator-trends", country="XA") == [
        (*rf1, 2026, 1, Decimal(1), 1, None, *latest),
        (*rf8, 2025, 2, Decimal("2.5"), 3, None, *latest),
        (*rf8, 2026, 2, Decimal(3), 4, None, *latest),
    ]
    assert run("indicator-trends", country="XA", risk_factor="8", to="2025-12-31") == [
        (*rf8, 2025, 2, Decimal("2.5"), 3, None, *latest),
    ]


def test_triggers_ahead(run: RunQuery) -> None:
    # XA has a running programme, XB a planned seminar and a programme; o8 is too far ahead.
    elections = ("fa:indicator-8.9", "Contested census, elections or related processes")
    o6 = (*XC, D(2026, 10, 1), D(2026, 10, 31), *elections, "r2p:highLevel", None, "ex:o6")
    assert run("triggers-ahead") == [(*o6, D(2027, 6, 28))]
    assert run("triggers-ahead", months="3") == []
    assert [r[-2] for r in run("triggers-ahead", months="18")] == ["ex:o6", "ex:o8"]


def test_timeline(run: RunQuery) -> None:
    p4 = (D(2024, 1, 1), D(2024, 12, 31), "Programme", "ex:p4", "Fixture programme 4", *XA,
          "Fixture Ministry Four")  # fmt: skip
    p1 = (D(2025, 1, 1), D(2025, 12, 31), "Joint programme", "ex:p1", "Fixture programme 1", *XA,
          "Fixture Institute Three; Fixture Ministry Four; Fixture NGO One")  # fmt: skip
    e1 = (D(2025, 3, 10), D(2025, 3, 11), "Workshop", "ex:e1", "Fixture workshop 1", *XA,
          "Fixture Ministry Four; Fixture NGO Two")  # fmt: skip
    p2 = (D(2025, 12, 31), None, "Programme", "ex:p2", "Fixture programme 2", *XA,
          "Fixture Institute Three; Fixture NGO One; Fixture NGO Two")  # fmt: skip
    p3 = (D(2026, 3, 1), D(2026, 6, 30), "Programme", "ex:p3", "Fixture programme 3", *XA,
          "Fixture NGO Two")  # fmt: skip
    assert run("timeline", country="XA") == [p4, p1, e1, p2, p3]
    assert run("timeline", organisation=ORG + "org4") == [p4, p1, e1]
    assert run("timeline", country="XA", **{"from": "2026-01-01"}) == [p2, p3]
    assert [r[3] for r in run("timeline", country="XB")] == ["ex:p5", "ex:e2"]


def test_coalition_membership_inferred(run: RunQuery) -> None:
    alpha, beta = ("ex:net1", "Fixture Network Alpha"), ("ex:net2", "Fixture Network Beta")
    parent = ("through a parent organisation", "ex:org4", "Fixture Ministry Four", None, None, None)
    assert run("coalition-membership") == [
        (*alpha, "ex:org6", "Fixture Agency Six", *parent),
        (*alpha, "ex:org3", "Fixture Institute Three", "direct", None, None, "Observer",
         None, None),
        (*alpha, "ex:org4", "Fixture Ministry Four", "direct", None, None,
         "Steering committee member", D(2019, 1, 1), D(2021, 12, 31)),
        (*alpha, "ex:org1", "Fixture NGO One", "through a member network", *beta,
         None, None, None),
        (*alpha, "ex:org7", "Fixture Unit Seven", *parent),
        (*beta, "ex:org1", "Fixture NGO One", "direct", None, None, "Member", D(2020, 1, 1), None),
    ]  # fmt: skip
    assert [r[2] for r in run("coalition-membership", organisation=ORG + "org1")] == [
        "ex:org1",
        "ex:org1",
    ]
    assert len(run("coalition-membership", network=ORG + "net2")) == 1


def test_continuum_coverage(run: RunQuery) -> None:
    rows = run("continuum-coverage", country="XA")
    assert [r[2] for r in rows] == list(range(1, 19))
    covered = [(r[3], r[5], r[6], r[7]) for r in rows if r[5]]
    assert covered == [
        ("step:early-warning", 3, 1, "Fixture Institute Three; Fixture NGO One; Fixture NGO Two"),
        ("step:capacity-building", 1, 1, "Fixture NGO Two"),
        ("step:dialogue", 3, 1, "Fixture Institute Three; Fixture NGO One; Fixture NGO Two"),
    ]
    assert rows[0] == (*XA, 1, "step:monitoring", "Monitoring", 0, 0, None)
    # In 2024 only programme 4 ran, taking monitoring.
    old = run("continuum-coverage", country="XA", date="2024-06-01")
    assert [(r[3], r[5]) for r in old if r[5]] == [("step:monitoring", 1)]
    assert {r[0] for r in run("continuum-coverage")} == {"c:XA", "c:XB"}
