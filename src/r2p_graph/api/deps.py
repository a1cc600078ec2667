"""Typed dependencies shared by the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from r2p_graph.settings import Settings
from r2p_graph.store import Repository


async def get_settings(request: Request) -> Settings:
    """The service's settings."""
    settings: Settings = request.app.state.settings
    return settings


async def get_repository(request: Request) -> Repository:
    """The repository the service answers from."""
    repo: Repository = request.app.state.repository
    return repo


SettingsDep = Annotated[Settings, Depends(get_settings)]
RepositoryDep = Annotated[Repository, Depends(get_repository)]
