"""`leadrelay users create EMAIL --role admin|rep`: people who sign in to the web app."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

__all__ = ["app", "create_command", "list_command"]

app = typer.Typer(help="People who sign in to the web app.", no_args_is_help=True)


class Role(StrEnum):
    """The roles of the web app."""

    admin = "admin"
    rep = "rep"


@app.command("create")
def create_command(
    email: Annotated[str, typer.Argument(help="The person's email; for a rep, their owner email in the workspace.")],
    role: Annotated[Role, typer.Option(help="admin: the whole workspace and users; rep: their leads and review.")],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    password_stdin: Annotated[bool, typer.Option("--password-stdin",
                                                 help="Read the password from stdin instead of making one.")] = False,
) -> None:
    """Create a user and print their password once (a random one unless --password-stdin)."""
    from leadrelay.config import Settings
    from leadrelay.store.db import make_engine, make_session_factory, session_scope, upgrade
    from leadrelay.web.auth import create_user

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    engine = make_engine(Settings().db_url)
    upgrade(engine)
    try:
        with session_scope(make_session_factory(engine)) as db:
            user, password = create_user(db, email=email, role=role.value, name=name, password=password)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"created {user.role} {user.email}")
    if not password_stdin:
        typer.echo(f"password: {password}")


@app.command("list")
def list_command() -> None:
    """List the users: email, role, and whether they are disabled."""
    from leadrelay.config import Settings
    from leadrelay.store.db import make_engine, make_session_factory, upgrade
    from leadrelay.web.auth import list_users

    engine = make_engine(Settings().db_url)
    upgrade(engine)
    with make_session_factory(engine)() as db:
        for user in list_users(db):
            typer.echo(f"{user.email}\t{user.role}\t{'disabled' if user.disabled_at else 'active'}")
