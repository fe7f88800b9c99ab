"""Platform commands: ``waspada db``, ``demo``, ``users`` and ``audit``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from waspada.platform.console import Col, ListTable, Wide, err, fail, out
from waspada.platform.console import require_schema as _require_schema
from waspada.platform.security.roles import Role

if TYPE_CHECKING:
    from pydantic import BaseModel
    from sqlalchemy.orm import Session

    from waspada.platform.security.policy import Principal

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
demo_app = typer.Typer(help="Synthetic demo data.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts and API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit trail.", no_args_is_help=True)


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
    for part, created, skipped in report.parts:
        out.print(f"  {part:<12} {created:>6} added {skipped:>6} already present", highlight=False)


#: the role codes for --help, from ``Role`` itself
ROLE_HELP = "Role: " + ", ".join(role.value for role in Role) + "."


@users_app.command("add")
def users_add(username: str, role: Annotated[str, typer.Option(help=ROLE_HELP)],
              unit: Annotated[str, typer.Option(help="Unit name, e.g. 'TPI Soekarno-Hatta'.")],
              password_stdin: Annotated[bool, typer.Option(
                  "--password-stdin", help="Read the password from standard input.")] = False,
              full_name: Annotated[str, typer.Option(help="Display name.")] = "",
              create_unit: Annotated[bool, typer.Option(
                  "--create-unit", help="Add the unit too if it does not exist yet.")] = False
              ) -> None:
    """Create a user in an existing unit (or a new one with --create-unit). The password is
    read from stdin (never from the command line)."""
    from waspada.platform.security import service
    from waspada.platform.security.schemas import UserIn

    if not password_stdin:
        fail("pass --password-stdin and give the password on standard input")
    _require_schema()
    password = sys.stdin.readline().rstrip("\r\n")
    data = _input(UserIn, username=username, role=role, unit=unit, password=password,
                  full_name=full_name)
    with _operator() as (session, operator):
        user = service.add_user(session, operator, data, create_unit=create_unit)
        out.print(f"Created user [bold]{user.username}[/] ({user.role}).")


@users_app.command("list")
def users_list(wide: Wide = False) -> None:
    """List users: username, role (as --role takes it), unit, active, 2FA; --wide adds the
    last sign-in (UTC)."""
    from waspada.platform.security import service

    _require_schema()
    # username and role whole at 80 columns (they were cut to "petugas.pasp…" and
    # "protection_o…"; walk18); the unit takes the rest
    table = ListTable([Col("username"), Col("role"), Col("unit", flex=True, min_width=12),
                       Col("active"), Col("2FA"), Col("last sign-in", wide_only=True)], wide)
    with _operator() as (session, _operator_principal):
        for user in service.list_users(session):
            table.add_row(user.username, user.role, user.unit.name,
                          "yes" if user.is_active else "no",
                          "on" if user.totp_secret else "off", table.when(user.last_login_at))
    table.print("No users.")


@users_app.command("disable")
def users_disable(username: str) -> None:
    """Disable a user: they can no longer sign in, their sessions end and their API tokens
    are revoked (enabling them again does not bring these back)."""
    _set_active(username, False)
    out.print(f"Disabled [bold]{username.lower()}[/].")


@users_app.command("enable")
def users_enable(username: str) -> None:
    """Enable a disabled user again."""
    _set_active(username, True)
    out.print(f"Enabled [bold]{username.lower()}[/].")


@users_app.command("set-role")
def users_set_role(username: str, role: Annotated[str, typer.Option(help=ROLE_HELP)]) -> None:
    """Give USERNAME another role (takes effect at their next request; revokes their API
    tokens)."""
    from waspada.platform.security import service

    _require_schema()
    with _operator() as (session, operator):
        service.set_role(session, operator, username, role)
    out.print(f"[bold]{username.lower()}[/] now has role {role}.")


@users_app.command("set-unit")
def users_set_unit(username: str,
                   unit: Annotated[str, typer.Option(help="Unit name (an existing unit).")],
                   create_unit: Annotated[bool, typer.Option(
                       "--create-unit", help="Add the unit if it does not exist yet.")] = False
                   ) -> None:
    """Move USERNAME to another unit (their unit scope follows at their next request; revokes
    their API tokens)."""
    from waspada.platform.security import service
    from waspada.platform.security.schemas import UnitIn

    _require_schema()
    data = _input(UnitIn, name=unit)
    with _operator() as (session, operator):
        user = service.set_unit(session, operator, username, data, create_unit=create_unit)
        out.print(f"[bold]{user.username}[/] is now in {user.unit.name}.")


@users_app.command("reset-password")
def users_reset_password(username: str, password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the new password from standard input.")] = False) -> None:
    """Set a new password for USERNAME (read from stdin), end their open sessions and revoke
    their API tokens; they must choose their own password at the next sign-in."""
    from waspada.platform.security import service
    from waspada.platform.security.schemas import PasswordIn

    if not password_stdin:
        fail("pass --password-stdin and give the password on standard input")
    _require_schema()
    data = _input(PasswordIn, password=sys.stdin.readline().rstrip("\r\n"))
    with _operator() as (session, operator):
        service.reset_password(session, operator, username, data)
    out.print(f"New password set for [bold]{username.lower()}[/]; their sessions ended and "
              "their API tokens were revoked.")


@users_app.command("add-unit")
def users_add_unit(name: str,
                   kind: Annotated[str, typer.Option(
                       help="checkpoint, immigration_office, embassy, headquarters, protection "
                            "or other.")],
                   time_zone: Annotated[str, typer.Option(
                       help="IANA zone, e.g. Asia/Makassar (default: guessed from the name)."
                   )] = "") -> None:
    """Add a unit (a checkpoint, an office, an embassy...) that users can then be placed in."""
    from waspada.platform.security import service
    from waspada.platform.security.schemas import UnitIn

    _require_schema()
    data = _input(UnitIn, name=name, kind=kind, time_zone=time_zone)
    with _operator() as (session, operator):
        unit = service.add_unit(session, operator, data)
        out.print(f"Added unit [bold]{unit.name}[/] ({unit.kind}, {unit.time_zone}).")


@users_app.command("units")
def users_units(wide: Wide = False) -> None:
    """List the units with their kind and time zone."""
    from waspada.platform.security import service

    _require_schema()
    table = ListTable([Col("unit", flex=True, min_width=12), Col("kind"), Col("time zone")],
                      wide)
    with _operator() as (session, _operator_principal):
        for unit in service.list_units(session):
            table.add_row(unit.name, unit.kind, unit.time_zone)
    table.print("No units.")


def _set_active(username: str, active: bool) -> None:
    from waspada.platform.security import service

    _require_schema()
    with _operator() as (session, operator):
        service.set_active(session, operator, username, active)


@users_app.command("token")
def users_token(username: str,
                name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
                days: Annotated[int | None, typer.Option(
                    help="Days the token is valid, 1-365. Default: WASPADA_TOKEN_DAYS (90)."
                )] = None,
                scope: Annotated[str | None, typer.Option(
                    help="read (reading only: the default) or full (everything the user's "
                         "role may do)."
                )] = None) -> None:
    """Create a personal API token for USERNAME and print it (shown only once)."""
    from waspada.platform.security import service
    from waspada.platform.security.schemas import TokenIn

    _require_schema()
    data = _input(TokenIn, name=name, days=days,
                  **({"scope": scope} if scope is not None else {}))
    with _operator() as (session, operator):
        raw = service.create_token_for(session, operator, username, data)
    print(raw)


@users_app.command("tokens")
def users_tokens(username: str, wide: Wide = False) -> None:
    """List USERNAME's API tokens: id, name, prefix (the first characters), scope, last use,
    expiry (UTC) and state; --wide adds when each was made and its last refusal (the last
    audited use of it revoked or expired). Never the secret."""
    from waspada.platform.db import utcnow
    from waspada.platform.security import service

    _require_schema()
    table = ListTable([Col("id", justify="right"), Col("name", flex=True, min_width=8),
                       Col("prefix"), Col("scope"), Col("created", wide_only=True),
                       Col("last used"), Col("last refused", wide_only=True), Col("expires"),
                       Col("state")], wide)
    now = utcnow()
    with _operator() as (session, _operator_principal):
        for token in service.list_user_tokens(session, username):
            table.add_row(str(token.id), token.name or "-", token.prefix, token.scope,
                          table.when(token.created_at, now), table.when(token.last_used_at, now),
                          table.when(token.last_refused_at, now),
                          table.when(token.expires_at, now), token.state(now))
    table.print(f"{username.lower()} has no API tokens.")


@users_app.command("revoke-token")
def users_revoke_token(username: str, token_id: Annotated[int, typer.Argument(
        help="The token's id (see 'waspada users tokens USERNAME').", min=1,
        max=2_147_483_647)]) -> None:
    """Revoke USERNAME's API token TOKEN_ID: it stops working at once."""
    from waspada.platform.security import service

    _require_schema()
    with _operator() as (session, operator):
        revoked = service.revoke_user_token(session, operator, username, token_id)
    if not revoked:
        fail(f"{username.lower()} has no token {token_id} that is not revoked already")
    out.print(f"Revoked token {token_id} of [bold]{username.lower()}[/].")


M = TypeVar("M", bound="BaseModel")


def _input(model: type[M], **values: object) -> M:
    """Build an operation's input model from options; a refused value is one English line
    naming the option by its title."""
    from pydantic import ValidationError

    try:
        return model.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str((first.get("loc") or ("",))[0])
        info = model.model_fields.get(name)
        field = info.title if info is not None and info.title else name
        if first.get("type") == "string_too_long":
            limit = (first.get("ctx") or {}).get("max_length", 0)
            fail(f"{field} is too long: at most {limit} characters.")
        if first.get("type") == "string_too_short":
            fail(f"{field} must not be empty.")
        if first.get("type") == "literal_error":  # a choice: name the choices
            fail(f"{field} is not valid: choose {(first.get('ctx') or {}).get('expected')}.")
        fail(f"{field} is not valid.")


@contextmanager
def _operator() -> Iterator[tuple[Session, Principal]]:
    """A session for the local operator; a refused operation is one English line, exit 2."""
    from waspada.platform.db import session_factory
    from waspada.platform.domain import DomainError
    from waspada.platform.security.policy import CLI_PRINCIPAL

    session = session_factory()()
    try:
        yield session, CLI_PRINCIPAL
    except DomainError as exc:
        session.rollback()
        fail(str(exc))
    finally:
        session.close()


@audit_app.command("verify")
def audit_verify(expect_head: Annotated[str | None, typer.Option(
        help="SEQ:HASH of the head recorded earlier; catches removal of the newest entries."
        )] = None,
        checkpoints: Annotated[Path | None, typer.Option(
            "--checkpoints", help="File of signed heads printed by `waspada audit checkpoint`;"
            " every one is checked.", dir_okay=False)] = None,
        public_key: Annotated[list[Path] | None, typer.Option(
            "--public-key", dir_okay=False,
            help="Public key (PEM) of the Ed25519 checkpoints in --checkpoints; repeat for "
            "several.")] = None) -> None:
    """Check the whole hash chain; exit 1 and name the first bad entry if anything was altered."""
    from waspada.platform.audit import parse_checkpoints, verify
    from waspada.platform.db import session_scope

    _require_schema()
    publics = []
    for path in public_key or []:
        from waspada.platform.audit_signing import CheckpointKeyError, load_public

        try:
            publics.append(load_public(path))
        except CheckpointKeyError as exc:
            fail(str(exc))
    expected = None
    if expect_head:
        seq, _, digest = expect_head.partition(":")
        if not seq.isdigit() or len(digest) != 64:
            fail("--expect-head must look like 1234:<64 hex characters>")
        expected = (int(seq), digest)
    signed = []
    if checkpoints is not None:
        try:
            signed = parse_checkpoints(checkpoints.read_text(encoding="utf-8"))
        except OSError as exc:
            fail(f"cannot read {checkpoints}: {exc.strerror}")
        except (ValueError, UnicodeDecodeError) as exc:
            fail(f"{checkpoints}: {exc}")
        if not signed:
            # an empty file verified nothing, yet printed "0 checkpoints match" with exit 0
            fail(f"{checkpoints} holds no checkpoint (append `waspada audit checkpoint` "
                 "output to it)")
    with session_scope() as session:
        result = verify(session, expected, signed, publics)
    if result.ok:
        extra = f"; {len(signed)} checkpoints match" if checkpoints is not None else ""
        out.print(f"[green]Audit trail intact[/]: {result.checked} entries; head "
                  f"{result.head_seq}:{result.head_hash}{extra}", soft_wrap=True)
        return
    err.print(f"[bold red]Audit trail broken at entry {result.first_bad_seq}[/]: {result.problem}"
              f" ({result.checked} entries verified before it)", soft_wrap=True)
    raise typer.Exit(1)


def _verified_or_exit(session: Session, refusal: str) -> None:
    """Exit 1 naming the first bad entry unless the whole audit chain verifies."""
    from waspada.platform.audit import verify

    result = verify(session)
    if not result.ok:
        err.print(f"[bold red]{refusal}: audit trail broken at entry {result.first_bad_seq}[/]: "
                  f"{result.problem}", soft_wrap=True)
        raise typer.Exit(1)


@audit_app.command("rotate-key")
def audit_rotate_key(new_key_file: Annotated[Path | None, typer.Option(
        "--new-key-file", dir_okay=False,
        help="File holding the new key (one line, at least 32 characters). Required when "
        "WASPADA_AUDIT_KEY is set; otherwise a new key is generated.")] = None) -> None:
    """Verify the chain, then move it to a new audit key (after a leak, or on schedule).

    Entries up to the rotation stay verifiable with the old key, which is kept as a retired
    key: in data_dir/audit_key.retired when the key is the generated file (done here), in
    WASPADA_AUDIT_RETIRED_KEYS when it comes from the environment (your step).
    """
    from waspada.platform.audit_keys import AuditKeyError, rotate
    from waspada.platform.db import session_scope

    _require_schema()
    with session_scope() as session:
        _verified_or_exit(session, "Not rotating")
        try:
            done = rotate(session, new_key_file)
        except AuditKeyError as exc:
            fail(str(exc))
    out.print(f"Audit key rotated at entry {done.seq}: key {done.old_key_id} retired, key "
              f"{done.new_key_id} in force.", soft_wrap=True)
    if done.kept_in == "file":
        out.print("The new key is in data_dir/audit_key and the old one in "
                  "data_dir/audit_key.retired: back both up, apart from the database. Running "
                  "servers use the new key from their next entry.", soft_wrap=True)
    else:
        out.print("Now set WASPADA_AUDIT_KEY to the new key and add the old one to "
                  "WASPADA_AUDIT_RETIRED_KEYS for every process, and restart them: until then "
                  "a process holding the old key refuses to write audit entries.",
                  soft_wrap=True)


@audit_app.command("checkpoint-key")
def audit_checkpoint_key(private_key: Annotated[Path, typer.Argument(
        dir_okay=False, help="Where to write the new private key (PEM, mode 0600); an "
        "existing file is never overwritten.")]) -> None:
    """Make an Ed25519 key pair for `audit checkpoint --signing-key`: the private key goes to
    the file, the public key (PEM) to standard output for whoever verifies checkpoints
    (`audit verify --public-key`); they can verify them but not make them."""
    from waspada.platform.audit_signing import CheckpointKeyError, fingerprint, generate, public_pem

    try:
        key = generate(private_key)
    except CheckpointKeyError as exc:
        fail(str(exc))
    print(public_pem(key.public_key()), end="")
    err.print(f"Private key written to {private_key} (keep it where only the checkpoint job "
              f"reads it); public key fingerprint {fingerprint(key.public_key())}.",
              soft_wrap=True, highlight=False, markup=False)


@audit_app.command("checkpoint")
def audit_checkpoint(signing_key: Annotated[Path | None, typer.Option(
        "--signing-key", dir_okay=False,
        help="Sign with this Ed25519 private key (PEM, from `audit checkpoint-key`) instead of "
        "the HMAC checkpoint key, so that verifiers need only its public key.")] = None
        ) -> None:
    """Verify the chain, then print a signed head (one JSON line) to store outside this server.

    Append it to a file kept elsewhere and pass that file to `waspada audit verify
    --checkpoints`: it catches removal of newer entries and rewrites by a key holder.
    """
    from waspada.platform.audit import make_checkpoint
    from waspada.platform.db import session_scope

    key = None
    if signing_key is not None:
        from waspada.platform.audit_signing import CheckpointKeyError, load_private

        try:
            key = load_private(signing_key)
        except CheckpointKeyError as exc:
            fail(str(exc))
    _require_schema()
    with session_scope() as session:
        _verified_or_exit(session, "Not signing")
        checkpoint = make_checkpoint(session, key)
    if checkpoint is None:
        fail("the audit trail is empty: nothing to sign yet")
    print(checkpoint.to_line())
