"""Settings come from arguments, the environment and a TOML file, in that order."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from r2p_graph.settings import Settings


def test_toml_file_then_environment_then_arguments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "service.toml"
    config.write_text('port = 9100\nquery_timeout = 5.5\ndata_dir = "/srv/r2p"\n')
    monkeypatch.setenv("R2P_CONFIG", str(config))
    assert Settings().port == 9100
    assert Settings().query_timeout == 5.5
    monkeypatch.setenv("R2P_PORT", "9200")
    assert Settings().port == 9200
    assert Settings(port=9300).port == 9300
    assert Settings().data_dir == Path("/srv/r2p")


def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("R2P_PORT", "99999")
    with pytest.raises(ValidationError, match="port"):
        Settings()
