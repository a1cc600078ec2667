"""The benchmark's data: one synthetic N-Triples file of about the asked number of triples.

The synthetic generator's ``scale`` is a number of organisations, each bringing about a hundred
triples. A first generation at a small scale (written to ``os.devnull``) measures how many
triples one organisation brings with this seed; the scale of each size follows from it, and the
file is generated again with a corrected scale if it misses the target by more than 2 %.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from r2p_graph.services.synthetic import generate

CALIBRATION_SCALE: Final = 500
TOLERANCE: Final = 0.02
MAX_ATTEMPTS: Final = 3


@dataclass(frozen=True, slots=True)
class Dataset:
    """A generated file: the size asked for, the scale used, the triples written."""

    target: int
    scale: int
    seed: int
    triples: int
    path: Path
    file_bytes: int
    generate_s: float

    def to_json(self) -> dict[str, object]:
        """The dataset as JSON (the path as a string)."""
        return {
            "target": self.target,
            "scale": self.scale,
            "seed": self.seed,
            "triples": self.triples,
            "path": str(self.path),
            "file_bytes": self.file_bytes,
            "generate_s": self.generate_s,
        }


def triples_per_organisation(seed: int) -> float:
    """How many triples one organisation brings, measured at :data:`CALIBRATION_SCALE`."""
    with Path(os.devnull).open("wb") as sink:
        triples = generate(sink, scale=CALIBRATION_SCALE, seed=seed)
    return triples / CALIBRATION_SCALE


def make_dataset(target: int, directory: Path, *, seed: int, per_organisation: float) -> Dataset:
    """Generate ``directory/synthetic-<target>.nt`` with about ``target`` triples."""
    scale = max(1, round(target / per_organisation))
    path = directory / f"synthetic-{target}.nt"
    for _ in range(MAX_ATTEMPTS):
        start = time.perf_counter()
        with path.open("wb") as out:
            triples = generate(out, scale=scale, seed=seed)
        elapsed = time.perf_counter() - start
        if abs(triples - target) <= TOLERANCE * target:
            break
        scale = max(1, round(scale * target / triples))
    return Dataset(
        target=target,
        scale=scale,
        seed=seed,
        triples=triples,
        path=path,
        file_bytes=path.stat().st_size,
        generate_s=elapsed,
    )
