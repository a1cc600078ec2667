"""``/queries``: the catalogue over HTTP, against a real server on the bundled data."""

from __future__ import annotations

import csv
import io

import httpx

from r2p_graph.services.catalogue import Catalogue


def test_catalogue_lists_every_query_with_typed_parameters(server: str) -> None:
    response = httpx.get(f"{server}/queries")
    assert response.status_code == 200
    listed = {q["name"]: q for q in response.json()["queries"]}
    assert sorted(listed) == Catalogue.bundled().names()
    assert len(listed) >= 12
    months = {p["name"]: p for p in listed["dormant-agreements"]["parameters"]}["months"]
    assert months["type"] == "integer"
    assert months["default"] == "12"
    assert months["example"] == "24"
    assert listed["directory"]["url"] == f"{server}/queries/directory"


def test_query_as_json_csv_and_html(server: str) -> None:
    url = f"{server}/queries/directory"
    as_json = httpx.get(url, params={"level": "international"})
    assert as_json.status_code == 200
    assert as_json.headers["content-type"].startswith("application/sparql-results+json")
    rows = as_json.json()["results"]["bindings"]
    assert rows
    assert {r["levelName"]["value"] for r in rows} == {"International"}
    as_csv = httpx.get(url, params={"level": "international"}, headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(as_csv.text)))
    assert table[0][:2] == ["name", "kindName"]
    assert len(table) == len(rows) + 1
    as_html = httpx.get(url, params={"level": "international", "format": "html"})
    assert as_html.headers["content-type"].startswith("text/html")
    assert "<table>" in as_html.text
    assert as_html.text.count("<tr>") == len(rows) + 1
    browser = httpx.get(url, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.headers["content-type"].startswith("text/html")


def test_unknown_query_is_404(server: str) -> None:
    response = httpx.get(f"{server}/queries/no-such-question")
    assert response.status_code == 404
    assert "no-such-question" in response.json()["detail"]


def test_bad_parameters_are_400_naming_them(server: str) -> None:
    bad_value = httpx.get(f"{server}/queries/dormant-agreements", params={"months": "many"})
    assert bad_value.status_code == 400
    assert bad_value.json()["detail"] == "parameter 'months': 'many' is not a whole number"
    unknown = httpx.get(f"{server}/queries/dormant-agreements", params={"mnths": "3"})
    assert unknown.status_code == 400
    assert "no parameter 'mnths'" in unknown.json()["detail"]
    missing = httpx.get(f"{server}/queries/partner-network")
    assert missing.status_code == 400
    assert "needs parameter 'organisation'" in missing.json()["detail"]
    injection = httpx.get(
        f"{server}/queries/timeline", params={"organisation": "http://e/x> } ; DROP ALL ; <"}
    )
    assert injection.status_code == 400
    out_of_range = httpx.get(f"{server}/queries/partner-network",
                             params={"organisation": "http://e/x", "depth": "9"})  # fmt: skip
    assert out_of_range.status_code == 400
    assert out_of_range.json()["detail"] == "parameter 'depth': 9 is more than 3"


def test_unacceptable_format_is_406(server: str) -> None:
    response = httpx.get(f"{server}/queries/directory", headers={"Accept": "image/png"})
    assert response.status_code == 406
    unknown = httpx.get(f"{server}/queries/directory", params={"format": "pdf"})
    assert unknown.status_code == 400


def test_a_paged_query_links_its_pages(server: str) -> None:
    url = f"{server}/queries/coalition-membership"
    listed = {q["name"]: q for q in httpx.get(f"{server}/queries").json()["queries"]}
    assert listed["coalition-membership"]["page_size"] == 25
    assert listed["directory"]["page_size"] is None
    first = httpx.get(url, params={"format": "csv"})
    assert first.status_code == 200
    links = first.links
    assert links["next"]["url"] == f"{url}?format=csv&page=2"
    assert links["first"]["url"] == f"{url}?format=csv&page=1"
    assert "prev" not in links
    second = httpx.get(url, params={"page": "2", "format": "csv"})
    links = second.links
    assert links["prev"]["url"] == f"{url}?format=csv&page=1"
    assert links["next"]["url"] == f"{url}?format=csv&page=3"
    # Pages past the end are empty; their table offers no next page.
    beyond = httpx.get(url, params={"page": "999", "format": "html"})
    assert beyond.status_code == 200
    assert 'rel="prev"' in beyond.text and 'rel="next"' not in beyond.text
    assert "0 rows" in beyond.text
    page_one = httpx.get(url, params={"format": "html"})
    assert 'rel="next"' in page_one.text and 'rel="prev"' not in page_one.text
    bad = httpx.get(url, params={"page": "0"})
    assert bad.status_code == 400
    assert bad.json()["detail"] == "parameter 'page': '0' is not a page number, 1 for the first"
    # A query that is not paged has no page links.
    assert "link" not in httpx.get(f"{server}/queries/directory").headers
