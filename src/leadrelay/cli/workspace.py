"""`leadrelay workspace check`: validate a workspace and say what it holds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from leadrelay.workspace import load_workspace

app = typer.Typer(help="Check workspaces.", no_args_is_help=True)


@app.command("check")
def check_command(path: Annotated[Path, typer.Argument(help="The workspace directory.")]) -> None:
    """Validate a workspace; print every problem with its file and key."""
    workspace = load_workspace(path)
    config = workspace.config
    typer.echo(f"{config.company.name}: workspace {workspace.version} is valid")
    typer.echo(f"  {len(workspace.accounts)} accounts, {len(workspace.contacts)} contacts, "
               f"{len(workspace.owners)} owners; queues: {', '.join(sorted(workspace.queues()))}")
