"""The ontology, vocabularies and data files that ship with r2p-graph, and their named graphs.

Each bundled file is loaded into a named graph of its own, so that a source can be replaced or
dropped on its own and every triple says where it came from.

>>> [s.name for s in BUNDLED_SOURCES][:3]
['ontology', 'indicators', 'steps']
>>> source_named("countries").graph
'https://w3id.org/r2p-graph/graph/countries'
>>> source_named("countries").path.is_file()
True
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from importlib import resources
from pathlib import Path

from r2p_graph.ontology.namespaces import graph_iri


class SourceKind(Enum):
    """What a bundled file holds."""

    ONTOLOGY = "ontology"
    VOCABULARY = "vocabulary"
    SHAPES = "shapes"
    DATA = "data"


def _bundle_root() -> Path:
    """The folder holding ``ontology/``, ``data/`` and ``queries/``.

    An installed wheel carries them inside the package (``_bundled``); a source checkout (also an
    editable install) has them at the repository root.
    """
    packaged = Path(str(resources.files("r2p_graph"))) / "_bundled"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3]


BUNDLE_ROOT = _bundle_root()
ONTOLOGY_DIR = BUNDLE_ROOT / "ontology"
DATA_DIR = BUNDLE_ROOT / "data"
QUERIES_DIR = BUNDLE_ROOT / "queries"


@dataclass(frozen=True, slots=True)
class BundledSource:
    """One bundled Turtle file and the named graph it is loaded into."""

    name: str
    path: Path
    kind: SourceKind

    @property
    def graph(self) -> str:
        """The IRI of the named graph holding this source."""
        return graph_iri(self.name)


BUNDLED_SOURCES: tuple[BundledSource, ...] = (
    BundledSource("ontology", ONTOLOGY_DIR / "r2p.ttl", SourceKind.ONTOLOGY),
    BundledSource("indicators", ONTOLOGY_DIR / "indicators.ttl", SourceKind.VOCABULARY),
    BundledSource("steps", ONTOLOGY_DIR / "steps.ttl", SourceKind.VOCABULARY),
    BundledSource("shapes", ONTOLOGY_DIR / "shapes.ttl", SourceKind.SHAPES),
    BundledSource("countries", DATA_DIR / "countries.ttl", SourceKind.DATA),
    BundledSource("prevention-field", DATA_DIR / "prevention-field.ttl", SourceKind.DATA),
)

SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"


def source_named(name: str) -> BundledSource:
    """The bundled source called ``name``; ``KeyError`` if there is none."""
    for source in BUNDLED_SOURCES:
        if source.name == name:
            return source
    raise KeyError(name)


def sources_of_kind(*kinds: SourceKind) -> tuple[BundledSource, ...]:
    """The bundled sources of the given kinds, in load order."""
    return tuple(s for s in BUNDLED_SOURCES if s.kind in kinds)
