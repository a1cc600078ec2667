"""r2p-graph's configuration: one settings object.

Values come, most important first, from the command line, ``R2P_*`` environment variables, a
``.env`` file, and a TOML file (``r2p-graph.toml`` in the working directory, or the file named by
``R2P_CONFIG``), else the defaults.

>>> Settings(data_dir=Path("/tmp/r2p")).data_dir
PosixPath('/tmp/r2p')
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

CONFIG_FILE = "r2p-graph.toml"


class Settings(BaseSettings):
    """Where r2p-graph keeps its data and how it behaves.

    Each field can be set with an environment variable ``R2P_<FIELD>`` (``R2P_DATA_DIR``), in a
    ``.env`` file, or as ``field = value`` in the TOML file; command-line options override all."""

    model_config = SettingsConfigDict(env_prefix="R2P_", env_file=".env", extra="ignore")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then the environment, then ``.env``, then the TOML file."""
        toml_file = Path(os.environ.get("R2P_CONFIG", CONFIG_FILE))
        return (
            init_settings,
            env_settings,
            dotenv_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=toml_file),
        )

    data_dir: Path = Field(
        default=Path("r2p-data"),
        description="Directory of the on-disk store (created on first use).",
    )
    host: str = Field(default="127.0.0.1", description="Address the service listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port the service listens on.")
    empty: bool = Field(
        default=False,
        description="Start with an empty store instead of loading the bundled data first.",
    )
    max_body_bytes: int = Field(
        default=10 << 20, ge=1024, description="Largest request body accepted (413 beyond)."
    )
    query_timeout: float = Field(
        default=30.0,
        gt=0,
        description="Seconds a query may run before it is stopped (the client gets 503).",
    )
    max_result_bytes: int = Field(
        default=256 << 20,
        ge=1024,
        description="Largest query answer returned in one response (400 beyond).",
    )
    query_workers: int = Field(
        default=2,
        ge=1,
        le=64,
        description="Worker processes that run queries (each holds a copy of the data).",
    )
    read_from_memory: bool = Field(
        default=True,
        description=(
            "Long-running processes answer queries from an in-memory copy of the disk store "
            "(several times faster on joins; costs memory about the size of the data). "
            "One-shot commands read the disk store directly."
        ),
    )
    base_iri: str | None = Field(
        default=None,
        description=(
            "The public IRI prefix that reaches the service's /id/ (for instance behind a proxy "
            "or a w3id.org redirect); pages link described things there. By default they link "
            "to the requesting <scheme://host>/id/."
        ),
    )
    service_endpoints: list[str] = Field(
        default=[],
        description=(
            "SPARQL endpoints that queries may call with SERVICE (federated query), e.g. "
            '["https://query.wikidata.org/sparql"]; empty (the default): SERVICE is refused. '
            "Hosts must resolve to public addresses unless given by their address here."
        ),
    )
    reasoning: bool = Field(
        default=True,
        description=(
            "Keep the inferences the ontology licenses (subclasses, sub-properties, inverses, "
            "transitive sub-organisation, property chains, memberships) in inferred graphs "
            "updated on every write, and refuse writes that contradict it."
        ),
    )
    visibility_views: list[Literal["public", "partners"]] = Field(
        default=["public", "partners"],
        description=(
            "The clearances whose readers query their own in-memory view of the data (only the "
            "graphs they may read) instead of a list of graphs, which slows down with many "
            "graphs. Each view costs memory about the size of the data, in the server and in "
            "each query worker; a clearance left out is served by listing its graphs."
        ),
    )
