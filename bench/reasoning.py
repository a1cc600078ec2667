"""Benchmark of SPARQL updates under reasoning at about a million triples.

A store on disk is built once (the bundled data and a synthetic data set of ``--scale``
organisations, bulk-loaded without reasoning); its inferred graphs are then derived in full and
timed: what every update cost when an update was followed by a full derivation. Then, for
``--repeat`` runs each, these updates go through ``InferringRepository.update`` (effect worked
out, consistency checked, update run, only the inferences resting on what it changed derived
again), each followed by the update that undoes it, timed too:

* ``link``: ``INSERT DATA`` of one sub-organisation link between two synthetic organisations
  (transitive sub-organisation, inverse, memberships inherited) / its ``DELETE DATA``;
* ``describe``: ``INSERT DATA`` of a new organisation (type, label, headquarters, operating
  level, parent) / ``DELETE WHERE`` of it;
* ``retype``: ``DELETE``/``INSERT`` ... ``WHERE`` changing one organisation's class / back;
* ``refused``: an update that would make a person an organisation, refused (nothing written).

After the runs, a full derivation must find nothing to add or remove (the incremental refreshes
kept the inferred graphs equal to what the data derives), else exit status 1.

    .venv/bin/python bench/reasoning.py                       # ~1M triples, 7 runs
    .venv/bin/python bench/reasoning.py --scale 500 --repeat 3   # a quick check

Writes ``reasoning-<UTC timestamp>.md`` and ``.json`` under ``--out`` (default ``bench/results``)
and prints the Markdown. Run it while nothing else loads the machine: its figures are latencies.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from r2p_bench.provenance import git_revision, machine
from r2p_graph.services.bundled import load_bundled
from r2p_graph.services.inference import InconsistentDataError, InferringRepository
from r2p_graph.services.synthetic import generate
from r2p_graph.store import OxigraphRepository, RdfFormat

SYNTHETIC = "https://w3id.org/r2p-graph/graph/synthetic"
EDITS = "https://w3id.org/r2p-graph/graph/bench-edits"
ORGS = "https://w3id.org/r2p-graph/id/synthetic/organization/"
PREFIXES = (
    "PREFIX org: <http://www.w3.org/ns/org#> PREFIX r2p: <https://w3id.org/r2p-graph/ontology#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    f"PREFIX o: <{ORGS}> PREFIX b: <https://w3id.org/r2p-graph/id/synthetic/bench/>\n"
)
UPDATES: dict[str, tuple[str, str]] = {
    "link": (
        f"INSERT DATA {{ GRAPH <{EDITS}> {{ o:3 org:subOrganizationOf o:2 }} }}",
        f"DELETE DATA {{ GRAPH <{EDITS}> {{ o:3 org:subOrganizationOf o:2 }} }}",
    ),
    "describe": (
        f"INSERT DATA {{ GRAPH <{EDITS}> {{ b:new a r2p:NonGovernmentalOrganization ; "
        "rdfs:label 'Synthetic bench organisation'@en ; r2p:operatingLevel r2p:national ; "
        "org:subOrganizationOf o:1 } }",
        f"DELETE WHERE {{ GRAPH <{EDITS}> {{ b:new ?p ?o }} }}",
    ),
    "retype": (
        f"DELETE {{ GRAPH <{SYNTHETIC}> {{ o:5 a ?c }} }} "
        f"INSERT {{ GRAPH <{SYNTHETIC}> {{ o:5 a r2p:Network }} }} "
        f"WHERE {{ GRAPH <{SYNTHETIC}> {{ o:5 a ?c }} }}",
        "",  # filled in with the organisation's classes before the runs
    ),
}
REFUSED = f"INSERT DATA {{ GRAPH <{EDITS}> {{ b:ana a r2p:Person . o:4 a r2p:Person }} }}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--store", type=Path, help="reuse (or build) the store in this directory")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="r2p-reasoning-bench-") as scratch:
        store_dir = args.store or Path(scratch) / "store"
        report = run(store_dir, Path(scratch), args.scale, args.seed, args.repeat)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    (args.out / f"reasoning-{stamp}.json").write_text(json.dumps(report, indent=2) + "\n")
    markdown = to_markdown(report)
    (args.out / f"reasoning-{stamp}.md").write_text(markdown)
    print(markdown)
    return 0 if report["consistent_with_full_derivation"] else 1


def run(store_dir: Path, scratch: Path, scale: int, seed: int, repeat: int) -> dict[str, object]:
    if not store_dir.exists():
        data = scratch / "synthetic.nt"
        with data.open("wb") as stream:
            generate(stream, scale=scale, seed=seed)
        with OxigraphRepository.open(store_dir) as store:
            load_bundled(store)
            store.bulk_load(data, RdfFormat.N_TRIPLES, graph=SYNTHETIC)
        data.unlink()
    report: dict[str, object] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "revision": git_revision(Path(__file__).parent.parent),
        "machine": machine(),
        "repeat": repeat,
    }
    with OxigraphRepository.open(store_dir) as inner:
        repo = InferringRepository(inner)
        report["quads"] = inner.count()
        started = time.perf_counter()
        full = repo.refresh(None)
        report["full_derivation_s"] = round(time.perf_counter() - started, 3)
        report["inferred_triples"] = full.total_added
        started = time.perf_counter()
        repo.record_state()
        report["fingerprint_s"] = round(time.perf_counter() - started, 3)
        report["quads_with_inferences"] = inner.count()
        started = time.perf_counter()
        repo.ensure_inferred()
        report["start_check_s"] = round(time.perf_counter() - started, 3)
        updates = dict(UPDATES)
        classes = inner.query(
            f"SELECT ?c WHERE {{ GRAPH <{SYNTHETIC}> {{ <{ORGS}5> a ?c }} }}"
        ).rows()  # type: ignore[union-attr]
        back = " ".join(f"<{c[0]}>" for c in classes)
        updates["retype"] = (
            updates["retype"][0],
            f"DELETE DATA {{ GRAPH <{SYNTHETIC}> {{ o:5 a r2p:Network }} }} ; "
            f"INSERT DATA {{ GRAPH <{SYNTHETIC}> {{ o:5 a {back.replace(' ', ' , ')} }} }}",
        )
        timings: dict[str, dict[str, object]] = {}
        for name, (forward, undo) in updates.items():
            timings[name] = measure(repo, forward, undo, repeat)
        timings["refused"] = measure_refused(repo, repeat)
        final = repo.refresh(None)
        report["consistent_with_full_derivation"] = not final.added and not final.removed
        report["updates"] = timings
        repo.close()
    return report


def measure(repo: InferringRepository, forward: str, undo: str, repeat: int) -> dict[str, object]:
    runs: dict[str, list[float]] = {"update": [], "undo": []}
    derived: list[tuple[int, int, int]] = []
    for _ in range(repeat + 1):  # the first pair warms up
        for kind, text in (("update", forward), ("undo", undo)):
            seconds = timed(lambda text=text: repo.update(PREFIXES + text))
            runs[kind].append(seconds)
            change = repo.last_change
            derived.append((change.derivations_run, change.focused, change.total_added))
    return {kind: summary(times[1:]) for kind, times in runs.items()} | {
        "last_refresh": {
            "derivations": derived[-2][0],
            "focused_heads": derived[-2][1],
            "inferred_added": derived[-2][2],
        }
    }


def measure_refused(repo: InferringRepository, repeat: int) -> dict[str, object]:
    times = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        try:
            repo.update(PREFIXES + REFUSED)
        except InconsistentDataError:
            times.append(time.perf_counter() - started)
        else:
            raise SystemExit("the inconsistent update was accepted")
    return {"update": summary(times[1:])}


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def summary(times: list[float]) -> dict[str, object]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "median_s": round(statistics.median(ordered), 4),
        "p95_s": round(p95, 4),
        "best_s": round(ordered[0], 4),
        "runs": [round(t, 4) for t in times],
    }


def to_markdown(report: dict[str, object]) -> str:
    lines = [
        "# Reasoning benchmark: SPARQL updates with inferences kept current",
        "",
        f"{report['when']} · revision {report['revision']} · {report['machine']}",
        "",
        f"Store: {report['quads']:,} quads on disk before inference, "
        f"{report['quads_with_inferences']:,} with the inferred graphs "
        f"({report['inferred_triples']:,} inferred triples).",
        "",
        f"* Full derivation of the inferred graphs (what each update cost before): "
        f"{report['full_derivation_s']} s.",
        f"* Fingerprint of the data (recorded on close): {report['fingerprint_s']} s; "
        f"start-up check of current inferred graphs: {report['start_check_s']} s.",
        "",
        "| update | median | p95 | best | derivations / focused heads / inferred added |",
        "|---|---|---|---|---|",
    ]
    updates = report["updates"]
    assert isinstance(updates, dict)
    for name, result in updates.items():
        last = result.get("last_refresh", {})
        for kind in ("update", "undo"):
            if kind not in result:
                continue
            row = result[kind]
            counts = (
                f"{last['derivations']} / {last['focused_heads']} / {last['inferred_added']}"
                if last and kind == "update"
                else ""
            )
            lines.append(
                f"| {name} ({kind}) | {row['median_s']} s | {row['p95_s']} s | "
                f"{row['best_s']} s | {counts} |"
            )
    verdict = "yes" if report["consistent_with_full_derivation"] else "**NO**"
    lines += [
        "",
        f"Median of {report['repeat']} runs after one warm-up. A full derivation after the runs "
        f"found nothing to add or remove: {verdict}.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
