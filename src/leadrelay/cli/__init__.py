"""The `leadrelay` command line.

Example:
    leadrelay qualify --workspace examples/cobalt examples/cobalt/events.jsonl
"""

from __future__ import annotations

import logging
import os
import sys

import typer

from leadrelay.cli import demo, evaluate, qualify, service, users, workspace
from leadrelay.cli import report as report_cli
from leadrelay.errors import LeadRelayError
from leadrelay.intake import imap, smtp

__all__ = ["app", "main"]

app = typer.Typer(
    name="leadrelay",
    help="Qualify and route inbound leads.\n\nExample: leadrelay qualify --workspace examples/cobalt "
    "examples/cobalt/events.jsonl",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("qualify")(qualify.qualify_command)
app.command("eval")(evaluate.eval_command)
app.command("report")(report_cli.report_command)
app.add_typer(workspace.app, name="workspace")
app.add_typer(users.app, name="users")
service.register(app)
app.command("demo")(demo.demo_command)
smtp.register(app)
imap.register(app)


def main() -> None:
    """Entry point: run the CLI; a LeadRelay error prints one line and exits 1."""
    logging.basicConfig(level=os.environ.get("LEADRELAY_LOG_LEVEL", "WARNING"), stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except LeadRelayError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
