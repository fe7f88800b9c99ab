"""The ``waspada`` command: the root Typer app; each capability mounts its own sub-app."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from waspada import __version__

app = typer.Typer(name="waspada", help="Waspada: stop trafficking of Indonesians into online-scam "
                  "compounds, and bring victims home.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
demo_app = typer.Typer(help="Synthetic demo data.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts and API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit trail.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")

out = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]Error:[/] {message}")
    raise typer.Exit(code)


def _require_schema() -> None:
    from sqlalchemy.exc import OperationalError

    from waspada.platform.migrate import is_up_to_date

    try:
        if not is_up_to_date():
            fail("the database schema is not up to date: run `waspada db upgrade` first")
    except OperationalError:
        fail("cannot reach the database (check WASPADA_DATABASE_URL)")


@app.command()
def version() -> None:
    """Print the version."""
    out.print(__version__)


@app.command()
def serve(host: Annotated[str | None, typer.Option(help="Interface to bind.")] = None,
          port: Annotated[int | None, typer.Option(help="TCP port.")] = None) -> None:
    """Serve the web app and the API."""
    import uvicorn

    from waspada.platform.settings import get_settings

    _require_schema()
    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    err.print(f"Waspada on http://{host}:{port}  (stop with Ctrl+C)")
    uvicorn.run("waspada.platform.web:create_app", factory=True, host=host, port=port,
                proxy_headers=False, access_log=False, log_config=None)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest version."""
    from sqlalchemy.exc import OperationalError

    from waspada.platform.migrate import current_revisions, upgrade

    try:
        upgrade()
        revisions = ", ".join(sorted(current_revisions()))
        out.print(f"Database schema at revision [bold]{revisions}[/].")
    except OperationalError:
        fail("cannot reach the database (check WASPADA_DATABASE_URL)")


@db_app.command("revision")
def db_revision(message: str,
                branch: Annotated[str, typer.Option(help="Capability branch, e.g. 'offers'.")],
                rev_id: Annotated[str, typer.Option(help="Revision id, e.g. 0002_offers.")],
                new_branch: Annotated[bool, typer.Option(
                    help="Start the capability's branch from the platform trunk.")] = False
                ) -> None:
    """(Developers) autogenerate a migration from model changes; review it before committing."""
    from alembic import command

    from waspada.platform.migrate import alembic_config

    command.revision(alembic_config(), message=message, autogenerate=True, rev_id=rev_id,
                     head="0001_platform" if new_branch else f"{branch}@head",
                     branch_label=branch if new_branch else None, splice=new_branch)


@demo_app.command("load")
def demo_load(seed: Annotated[int, typer.Option(help="Seed of the synthetic data.")] = 7) -> None:
    """Load synthetic demo units, accounts (one per role) and people. Safe to run twice."""
    from waspada.demo.loader import load_demo

    _require_schema()
    report = load_demo(seed=seed)
    out.print("[bold]Demo accounts[/] (synthetic data; for local use only):")
    for account in report.accounts:
        out.print(f"  {account.username:<16} password: {account.password:<26} "
                  f"{account.role} @ {account.unit}", soft_wrap=True, highlight=False)
    out.print(f"Added {report.created} new records ({report.skipped} already present).")


@users_app.command("add")
def users_add(username: str, role: Annotated[str, typer.Option(help="Role code.")],
              unit: Annotated[str, typer.Option(help="Unit name, e.g. 'TPI Soekarno-Hatta'.")],
              password_stdin: Annotated[bool, typer.Option(
                  "--password-stdin", help="Read the password from standard input.")] = False,
              full_name: Annotated[str, typer.Option(help="Display name.")] = "") -> None:
    """Create a user. The password is read from stdin (never from the command line)."""
    from waspada.platform import audit
    from waspada.platform.db import session_scope
    from waspada.platform.security.policy import CLI_PRINCIPAL
    from waspada.platform.security.users import UserError, add_user

    if not password_stdin:
        fail("pass --password-stdin and give the password on standard input")
    _require_schema()
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        with session_scope() as session:
            user = add_user(session, username, role=role, unit=unit, password=password,
                            full_name=full_name)
            user_id, unit_id = user.id, user.unit_id
    except UserError as exc:
        fail(str(exc))
    audit.record("user.create", CLI_PRINCIPAL, object_type="user", object_id=user_id,
                 unit_id=unit_id, role=role)
    out.print(f"Created user [bold]{username.lower()}[/] ({role}).")


@users_app.command("list")
def users_list() -> None:
    """List users with role, unit and status."""
    from waspada.platform.db import session_scope
    from waspada.platform.security.roles import role_label
    from waspada.platform.security.users import list_users

    _require_schema()
    table = Table()
    for column in ("username", "role", "unit", "active", "2FA", "last sign-in (UTC)"):
        table.add_column(column)
    with session_scope() as session:
        for user in list_users(session):
            table.add_row(user.username, f"{user.role} ({role_label(user.role, 'en')})",
                          user.unit.name, "yes" if user.is_active else "no",
                          "on" if user.totp_secret else "off",
                          user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at
                          else "-")
    out.print(table)


@users_app.command("disable")
def users_disable(username: str) -> None:
    """Disable a user: they can no longer sign in, and their tokens stop working."""
    from waspada.platform import audit
    from waspada.platform.db import session_scope
    from waspada.platform.security.policy import CLI_PRINCIPAL
    from waspada.platform.security.users import UserError, set_active

    _require_schema()
    try:
        with session_scope() as session:
            user_id = set_active(session, username, False).id
    except UserError as exc:
        fail(str(exc))
    audit.record("user.disable", CLI_PRINCIPAL, object_type="user", object_id=user_id)
    out.print(f"Disabled [bold]{username.lower()}[/].")


@users_app.command("token")
def users_token(username: str,
                name: Annotated[str, typer.Option(help="What the token is for.")] = "cli") -> None:
    """Create a personal API token for USERNAME and print it (shown only once)."""
    from waspada.platform import audit
    from waspada.platform.db import session_scope
    from waspada.platform.security import auth
    from waspada.platform.security.policy import CLI_PRINCIPAL
    from waspada.platform.security.users import UserError, find_user

    _require_schema()
    try:
        with session_scope() as session:
            user = find_user(session, username)
            if not user.is_active:
                fail(f"user {username!r} is disabled")
            token, raw = auth.create_api_token(session, user, name)
            token_id = token.id
    except UserError as exc:
        fail(str(exc))
    audit.record("token.create", CLI_PRINCIPAL, object_type="api_token", object_id=token_id,
                 for_user=username.lower())
    print(raw)


@audit_app.command("verify")
def audit_verify(expect_head: Annotated[str | None, typer.Option(
        help="SEQ:HASH of the head recorded earlier; catches removal of the newest entries."
        )] = None) -> None:
    """Check the whole hash chain; exit 1 and name the first bad entry if anything was altered."""
    from waspada.platform.audit import verify
    from waspada.platform.db import session_scope

    _require_schema()
    expected = None
    if expect_head:
        seq, _, digest = expect_head.partition(":")
        if not seq.isdigit() or len(digest) != 64:
            fail("--expect-head must look like 1234:<64 hex characters>")
        expected = (int(seq), digest)
    with session_scope() as session:
        result = verify(session, expected)
    if result.ok:
        out.print(f"[green]Audit trail intact[/]: {result.checked} entries; head "
                  f"{result.head_seq}:{result.head_hash}")
        return
    err.print(f"[bold red]Audit trail broken at entry {result.first_bad_seq}[/]: {result.problem}"
              f" ({result.checked} entries verified before it)")
    raise typer.Exit(1)


def _mount_capabilities() -> None:
    """Each capability contributes its own sub-apps (``waspada document ...`` and so on)."""
    import importlib

    for module_name, attr, name in CAPABILITY_CLIS:
        module = importlib.import_module(module_name)
        app.add_typer(getattr(module, attr), name=name)


#: (module, Typer attribute, command name)
CAPABILITY_CLIS: tuple[tuple[str, str, str], ...] = (
    ("waspada.identity.cli", "document_app", "document"),
    ("waspada.identity.cli", "name_app", "name"),
    ("waspada.offers.cli", "offers_app", "offers"),
    ("waspada.cases.cli", "cases_app", "cases"),
    ("waspada.matching.cli", "identity_app", "identity"),
    ("waspada.matching.cli", "watchlist_app", "watchlist"),
    ("waspada.statistics.cli", "stats_app", "stats"),
)


_mount_capabilities()


def main() -> None:
    app()
