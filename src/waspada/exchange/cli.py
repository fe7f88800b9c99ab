"""``waspada exchange init|partner (add, list, disable, enable, rekey)|send|send-ping|receive|
deliver|resend|outbox``: thin wrappers over the service (the local operator, ``CLI_PRINCIPAL``)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from waspada.exchange import schema_cli
from waspada.exchange.primero.cli import primero_app
from waspada.platform.console import Col, ListTable, Wide, err, fail, operator_session, out
from waspada.platform.domain import DomainError
from waspada.platform.files import dumps_json
from waspada.platform.security.policy import CLI_PRINCIPAL

exchange_app = typer.Typer(help="Exchange signed, encrypted bundles with partner installations.",
                           no_args_is_help=True, add_completion=False)
schema_cli.register(exchange_app)  # `waspada exchange schema`
exchange_app.add_typer(primero_app, name="primero")  # `waspada exchange primero …`
partner_app = typer.Typer(help="Partner installations.", no_args_is_help=True,
                          add_completion=False)
exchange_app.add_typer(partner_app, name="partner")

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]
To = Annotated[str, typer.Option("--to", help="The partner's name.")]


def _json(obj: Any) -> None:
    print(dumps_json(obj, ensure_ascii=False, default=str))


def _write(path: Path, data: bytes) -> None:
    from waspada.platform.files import FileError, atomic_writer

    try:
        with atomic_writer(path) as handle:
            handle.write(data.decode("utf-8"))
    except (FileError, OSError) as exc:
        fail(f"cannot write {path}: {exc}")


@exchange_app.command("init")
def init_cmd(name: Annotated[str, typer.Option("--name", help="This installation's name, as "
                                                "partners will know it.")],
             force: Annotated[bool, typer.Option("--force", help="Replace an existing identity "
                                                 "(partners must add the new key).")] = False,
             as_json: AsJson = False) -> None:
    """Create this installation's signing and encryption keys and print its public key."""
    from . import service

    with operator_session() as db:
        try:
            made = service.init_identity(db, CLI_PRINCIPAL, name, force=force)
        except DomainError as exc:
            fail(exc.english, 1)
    if as_json:
        _json({"name": made["name"], "public_key": made["public_key"]})
        return
    out.print(f"Exchange identity of [bold]{made['name']}[/] created.", highlight=False)
    out.print("Public key (give it to partners):", highlight=False)
    print(made["public_key"])
    out.print(f"Fingerprint (compare it with the partner by telephone): {made['fingerprint']}",
              highlight=False)


@partner_app.command("add")
def partner_add(name: Annotated[str, typer.Argument(
                    help="The partner's identifier (used by the API, the command line and "
                    "consents), e.g. kbri-phnom-penh.")],
                key: Annotated[str, typer.Option("--key", help="The partner's public key "
                                                 "(wsp1....).")],
                url: Annotated[str | None, typer.Option("--url", help="The partner's address "
                                                        "(https://...), for pushed bundles.")
                               ] = None,
                organisation: Annotated[str | None, typer.Option(
                    "--organisation", help="HTCDS org_Type, e.g. ImmigrationService, NGO.")
                ] = None,
                acceptance: Annotated[str, typer.Option(
                    "--acceptance", help="auto: apply received bundles at once; manual: an "
                    "officer previews and accepts each.")] = "auto",
                title: Annotated[str | None, typer.Option(
                    "--title", help="The organisation's name as the pages show it, e.g. "
                    "\"KBRI Phnom Penh\" (default: the identifier).")] = None,
                ) -> None:
    """Register a partner installation by its public key."""
    from pydantic import ValidationError

    from . import keys, service
    from .schemas import PartnerIn

    try:
        data = PartnerIn(name=name, public_key=key, url=url, organisation=organisation,
                         acceptance=acceptance, title=title)
    except ValidationError as exc:
        first = exc.errors()[0]
        fail(f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}")
    with operator_session() as db:
        try:
            partner = service.add_partner(db, CLI_PRINCIPAL, data)
        except DomainError as exc:
            fail(exc.english, 1)
        out.print(f"Partner {partner.name} added; fingerprint "
                  f"{keys.short(partner.fingerprint)} (check it with the partner).",
                  highlight=False)


@partner_app.command("list")
def partner_list(as_json: AsJson = False, wide: Wide = False) -> None:
    """Partners with their sync health (--wide adds each one's fingerprint and address)."""
    from . import service

    with operator_session() as db:
        rows = service.partners(db, CLI_PRINCIPAL)
    if as_json:
        _json(rows)
        return
    table = ListTable([Col("name"), Col("fingerprint", wide_only=True),
                       Col("url", wide_only=True), Col("accept"), Col("active"),
                       Col("delivered"), Col("pending", justify="right"),
                       Col("dead", justify="right"), Col("last error", flex=True)], wide)
    for r in rows:
        table.add_row(r["name"], r["fingerprint"], r["url"] or "-", r["acceptance"],
                      "yes" if r["active"] else "no", table.when(r["last_delivery"]),
                      str(r["pending"]), str(r["dead"]), r["last_error"] or "-")
    table.print("No partners.")


@partner_app.command("disable")
def partner_disable(name: Annotated[str, typer.Argument(help="The partner's name.")]) -> None:
    """Stop exchanging with a partner: its bundles are refused, nothing is sent to it."""
    from . import service

    with operator_session() as db:
        try:
            service.disable_partner(db, CLI_PRINCIPAL, name)
        except DomainError as exc:
            fail(exc.english, 1)
    out.print(f"Partner {name} disabled.", highlight=False)


@partner_app.command("enable")
def partner_enable(name: Annotated[str, typer.Argument(help="The partner's name.")]) -> None:
    """Exchange with a disabled partner again, under its registered key (compare the
    fingerprint with the partner first). Nothing is sent automatically: bundles held by the
    disable are sent again one by one with `waspada exchange resend OUTBOX_ID`."""
    from . import keys, service

    with operator_session() as db:
        try:
            partner = service.enable_partner(db, CLI_PRINCIPAL, name)
        except DomainError as exc:
            fail(exc.english, 1)
        fingerprint = keys.short(partner.fingerprint)
        held = next(p["held"] for p in service.partners(db, CLI_PRINCIPAL)
                    if p["name"] == partner.name)
    out.print(f"Partner {name} enabled again; fingerprint {fingerprint} (check it with the "
              "partner).", highlight=False)
    if held:
        out.print(f"{held} bundle(s) held by the disable: send each again with `waspada "
                  "exchange resend OUTBOX_ID` (`waspada exchange outbox` lists them).",
                  highlight=False)


@partner_app.command("rekey")
def partner_rekey(name: Annotated[str, typer.Argument(help="The partner's name.")],
                  key: Annotated[str, typer.Option("--key", help="The partner's new public "
                                                   "key (wsp1.…).")]) -> None:
    """Replace a disabled partner's public key (compare the NEW fingerprint with the partner
    by telephone first). Bundles signed with the old key are refused from then on; bundles
    held for it stay held and cannot be sent again (sealed to the old key): send the case
    again. Enable the partner afterwards with `partner enable`."""
    from . import keys, service

    with operator_session() as db:
        try:
            partner = service.replace_key(db, CLI_PRINCIPAL, name, key)
        except DomainError as exc:
            fail(exc.english, 1)
        fingerprint = keys.short(partner.fingerprint)
    out.print(f"Partner {name} now has the key with fingerprint {fingerprint} (compare it with "
              f"the partner by telephone); it stays disabled until `waspada exchange partner "
              f"enable {name}`.", highlight=False)


@exchange_app.command("send")
def send_cmd(case_number: Annotated[str, typer.Argument(help="The case to refer.")],
             to: To,
             output: Annotated[Path | None, typer.Option(
                 "--output", help="Write the bundle to this file (air-gapped delivery) "
                 "instead of queueing it for the partner's address.")] = None,
             consent_override: Annotated[str | None, typer.Option(
                 "--consent-override", help="Legal basis for sending without the victim's "
                 "recorded consent (audited).")] = None) -> None:
    """Send a case (a referral, with the fields the partner may see) to a partner."""
    from . import service

    with operator_session() as db:
        try:
            sent = service.send_case(db, CLI_PRINCIPAL, case_number, to,
                                     consent_override=consent_override,
                                     to_file=output is not None)
        except DomainError as exc:
            fail(exc.english, 1)
    _report_sent(sent, output, to)


def _report_sent(sent: bytes | int, output: Path | None, to: str) -> None:
    if isinstance(sent, bytes):
        assert output is not None
        _write(output, sent)
        out.print(f"Bundle for {to} written to {output} ({len(sent)} bytes).", highlight=False)
    else:
        out.print(f"Bundle for {to} queued (outbox {sent}); `waspada exchange deliver` or the "
                  "server delivers it.", highlight=False)


@exchange_app.command("send-ping")
def send_ping_cmd(to: To, output: Annotated[Path | None, typer.Option(
        "--output", help="Write the bundle to this file instead of queueing it.")] = None
                  ) -> None:
    """Send a ping: the partner answers with a pong carrying its name and time."""
    from . import service

    with operator_session() as db:
        try:
            sent = service.send_ping(db, CLI_PRINCIPAL, to, to_file=output is not None)
        except DomainError as exc:
            fail(exc.english, 1)
    _report_sent(sent, output, to)


@exchange_app.command("receive")
def receive_cmd(file: Annotated[Path, typer.Argument(help="A bundle file from a partner.")],
                as_json: AsJson = False) -> None:
    """Open a bundle file (checks as for the inbox) and apply it, or keep it for acceptance."""
    from waspada.platform.settings import get_settings

    from . import service

    limit = get_settings().exchange_max_bundle_bytes
    try:
        with file.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror}")
    with operator_session() as db:
        try:
            got = service.receive(db, raw, via="file")
        except DomainError as exc:
            fail(f"bundle refused ({exc.code}): {exc.english}", 1)
    applied = got.applied
    if as_json:
        _json({"case_number": applied.case_number, "created": applied.created,
               "changed": applied.changed})
    else:
        out.print(f"Bundle {got.kind} from {got.partner}: {got.status} (inbox {got.inbox_id})"
                  + (f", case {applied.case_number}" if applied.case_number else ""),
                  highlight=False)
    if got.status == "pending":
        err.print(f"The bundle waits for an officer's acceptance (inbox {got.inbox_id}).",
                  highlight=False)


@exchange_app.command("deliver")
def deliver_cmd(once: Annotated[bool, typer.Option("--once", help="One pass, then exit.")
                                ] = False,
                every: Annotated[float, typer.Option("--every", min=0.1,
                                                     help="Seconds between passes.")] = 5.0
                ) -> None:
    """Push due outbox bundles to partners (retries with backoff; dead after N failures)."""
    from waspada.platform.console import require_schema

    from .outbox import deliver_due, prune

    require_schema()
    pruned = prune()
    if pruned:
        out.print(f"{pruned} expired nonces forgotten", highlight=False)
    while True:
        tally = deliver_due()
        if tally.delivered or tally.failed or tally.dead or tally.withdrawn or once:
            out.print(f"delivered {tally.delivered}, failed {tally.failed} (will retry), "
                      f"dead {tally.dead}, not sent (consent withdrawn) {tally.withdrawn}",
                      highlight=False)
            for reason in sorted(set(tally.reasons)):
                out.print(f"  {reason}", highlight=False)
        if once:
            return
        time.sleep(every)


@exchange_app.command("resend")
def resend_cmd(outbox_id: Annotated[int, typer.Argument(min=1, help="The outbox number.")]
               ) -> None:
    """Queue a dead bundle again."""
    from . import service

    with operator_session() as db:
        try:
            service.resend(db, CLI_PRINCIPAL, outbox_id)
        except DomainError as exc:
            fail(exc.english, 1)
    out.print(f"Outbox {outbox_id} queued again.", highlight=False)


@exchange_app.command("export")
def export_cmd(outbox_id: Annotated[int, typer.Argument(min=1, help="The outbox number.")],
               output: Annotated[Path, typer.Option("--output", help="The bundle file.")]
               ) -> None:
    """Write a waiting bundle to a file (a partner without an address, or the network down)."""
    from . import service

    with operator_session() as db:
        try:
            raw = service.export_queued(db, CLI_PRINCIPAL, outbox_id)
        except DomainError as exc:
            fail(exc.english, 1)
    _write(output, raw)
    out.print(f"Outbox {outbox_id} written to {output} ({len(raw)} bytes).", highlight=False)


@exchange_app.command("outbox")
def outbox_cmd(as_json: AsJson = False, wide: Wide = False) -> None:
    """Outgoing bundles with their delivery state."""
    from . import service

    with operator_session() as db:
        rows = service.outbox(db, CLI_PRINCIPAL)
    if as_json:
        _json(rows)
        return
    table = ListTable([Col("id", justify="right"), Col("partner"),
                       Col("kind"), Col("status"), Col("attempts", justify="right"),
                       Col("last error", flex=True)], wide)
    for r in rows:
        table.add_row(str(r["id"]), r["partner"], r["kind"], r["status"], str(r["attempts"]),
                      r["last_error"] or "-")
    table.print("The outbox is empty.")
