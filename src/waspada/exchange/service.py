"""Every exchange transport operation, written once for the API, pages and CLI.

Each operation checks the policy action, changes data, records its audit entry in the same
transaction and commits once, except :func:`queue_bundle`, which joins the caller's
transaction (the transactional outbox: a bundle is queued with the change that sends it).
Receiving is authenticated by the bundle's signature, not by a session: the audit entry names
the partner (``partner:<name>``).
"""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from waspada.platform import audit
from waspada.platform.db import utcnow
from waspada.platform.domain import DomainError
from waspada.platform.i18n import N_
from waspada.platform.security import models as _accounts  # noqa: F401 - audit's users FK
from waspada.platform.security.policy import Principal, allowed
from waspada.platform.security.roles import Role
from waspada.platform.settings import get_settings

from . import bundle, handlers, keys
from .handlers import Applied, PartnerInfo
from .models import ACTOR_MAX, REASON_MAX, DeliveryAttempt, InboxItem, OutboxItem, Partner
from .models import SeenNonce as Nonce
from .schemas import PartnerIn

log = logging.getLogger("waspada.exchange")

#: modules whose import registers bundle kinds (those not installed are skipped)
HANDLER_MODULES = ("waspada.exchange.referral", "waspada.exchange.verification",
                   "waspada.exchange.content_service")
#: the referral builder of the content side (exchange-common.md)
REFERRAL_MODULE = "waspada.exchange.referral"


class ExchangeError(DomainError):
    """A refused exchange operation."""


def _require(principal: Principal, action: str) -> None:
    if not (principal.is_cli or allowed(principal, action)):
        raise ExchangeError("forbidden", N_("Your role is not allowed to do this."), status=403)


def system_principal(partner_name: str) -> Principal:
    """Who applies a bundle from a partner set to automatic acceptance: this installation
    itself, with the local operator's authority, named ``exchange:<partner>`` in the audit
    trail."""
    return Principal(user_id=None, username=f"exchange:{partner_name}"[:ACTOR_MAX],
                     role=Role.ADMIN, unit_id=None, via="cli")


_loaded = False


def load_handlers() -> list[str]:
    """Register the built-in kinds and every installed content module's kinds (once)."""
    global _loaded
    if not _loaded:
        from . import ping

        ping.register()
        for name in HANDLER_MODULES:
            try:
                importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
        _loaded = True
    return handlers.kinds()


# -- identity ------------------------------------------------------------------------------------

def identity() -> keys.Identity:
    settings = get_settings()
    found = keys.load(settings.data_dir, settings.exchange_key)
    if found is None:
        raise ExchangeError("no_identity", N_("This installation has no exchange identity yet: "
                                              "run `waspada exchange init --name NAME`."),
                            status=409)
    return found


def installation_name() -> str:
    return get_settings().exchange_name or identity().name


def identity_info() -> dict[str, str]:
    me = identity()
    return {"name": installation_name(), "public_key": me.public.text,
            "fingerprint": keys.short(me.public.fingerprint)}


def init_identity(db: Session, principal: Principal, name: str, *, force: bool) -> dict[str, str]:
    """Create this installation's key pairs (refuses to replace them unless ``force``)."""
    _require(principal, "exchange.admin")
    settings = get_settings()
    if settings.exchange_key:
        raise ExchangeError("identity_from_environment", N_(
            "The exchange identity comes from WASPADA_EXCHANGE_KEY; change it there."),
            status=409)
    new = keys.Identity.generate(name)
    audit.record("exchange.init", principal, object_type="exchange_identity",
                 object_id=new.public.fingerprint, replaced=force, session=db)
    keys.save(settings.data_dir, new, force=force)  # refused: the audit entry rolls back
    db.commit()
    return {"name": new.name, "public_key": new.public.text,
            "fingerprint": keys.short(new.public.fingerprint)}


# -- partners ------------------------------------------------------------------------------------

def _partner(db: Session, name: str) -> Partner:
    found = db.scalar(select(Partner).where(Partner.name == name))
    if found is None:
        raise ExchangeError("unknown_partner", N_("No exchange partner is named {name}."),
                            status=404, name=name)
    return found


def info(partner: Partner) -> PartnerInfo:
    return PartnerInfo(partner.name, partner.organisation, partner.fingerprint)


def add_partner(db: Session, principal: Principal, data: PartnerIn) -> Partner:
    _require(principal, "exchange.admin")
    name = keys.check_name(data.name)
    key = keys.parse_public(data.public_key)
    if data.url and not data.url.startswith(("https://", "http://")):
        raise ExchangeError("bad_url", N_("A partner's address starts with https://."),
                            problems={"url": N_("A partner's address starts with https://.")})
    if db.scalar(select(Partner.id).where(Partner.name == name)) is not None:
        raise ExchangeError("partner_exists", N_("A partner named {name} exists already."),
                            status=409, name=name,
                            problems={"name": N_("This name is taken.")})
    _check_new_key(db, key)
    partner = Partner(name=name, title=data.title, public_key=key.text,
                      fingerprint=key.fingerprint,
                      url=data.url.rstrip("/") if data.url else None,
                      organisation=data.organisation, acceptance=data.acceptance, active=True,
                      created_by=principal.username[:ACTOR_MAX])
    db.add(partner)
    db.flush()
    audit.record("exchange.partner_add", principal, object_type="exchange_partner",
                 object_id=partner.id, fingerprint=key.fingerprint, session=db)
    db.commit()
    return partner


def _check_new_key(db: Session, key: keys.PublicKey) -> None:
    """A key a partner may be registered under: no partner has it, and it is not this
    installation's own (adding a partner and replacing its key check the same)."""
    same = db.scalar(select(Partner).where(Partner.fingerprint == key.fingerprint))
    if same is not None:
        raise ExchangeError("key_exists", N_("This key belongs to partner {name} already."),
                            status=409, name=same.name,
                            problems={"public_key": N_("This key is registered already.")})
    if key.fingerprint == _own_fingerprint():
        raise ExchangeError("own_key", N_("This is this installation's own key."),
                            problems={"public_key": N_("This is this installation's own key.")})


def _rekey_checked(db: Session, name: str, public_key: str) -> tuple[Partner, keys.PublicKey]:
    partner = _partner(db, name)
    if partner.active:
        raise ExchangeError("partner_active_rekey", N_(
            "Disable partner {name} before replacing its key."), status=409, name=name)
    key = keys.parse_public(public_key)
    if key.fingerprint == partner.fingerprint:
        raise ExchangeError("same_key", N_("This is the key partner {name} has already."),
                            status=409, name=name,
                            problems={"public_key": N_("This is the partner's current key.")})
    _check_new_key(db, key)
    return partner, key


def check_new_key(db: Session, principal: Principal, name: str, public_key: str
                  ) -> dict[str, str]:
    """What :func:`replace_key` would do, checked the same way and writing nothing: the old and
    new short fingerprints (the page shows the new one to compare by telephone first)."""
    _require(principal, "exchange.admin")
    partner, key = _rekey_checked(db, name, public_key)
    return {"name": partner.name, "title": partner.title or partner.name,
            "old": keys.short(partner.fingerprint), "new": keys.short(key.fingerprint),
            "public_key": key.text}


def replace_key(db: Session, principal: Principal, name: str, public_key: str) -> Partner:
    """Register a new public key for a partner (its server was compromised, or it ran
    ``exchange init --force``), after the administrator compared the new fingerprint with the
    partner by telephone. Only for a **disabled** partner: nothing is pushed to it or accepted
    from it while its key changes, and enabling it afterwards is a second, deliberate step.

    The key is checked as when a partner is added (:func:`keys.parse_public`,
    :func:`_check_new_key`). From the commit on, bundles signed with the old key are refused
    (the old fingerprint is no partner's: ``unknown_partner``). Bundles held for the partner
    stay held; they were sealed to the old key, so :func:`resend` and :func:`export_queued`
    refuse them (``sealed_for_old_key``): send the case again instead. Cases that came from
    the partner are re-attributed to the new fingerprint (``SharedCase.origin``), so what is
    sent about them is still a case update. Audited ``exchange.partner_rekey`` with the old and
    new fingerprints (never the key itself)."""
    _require(principal, "exchange.admin")
    partner, key = _rekey_checked(db, name, public_key)
    old = partner.fingerprint
    partner.public_key, partner.fingerprint = key.text, key.fingerprint
    from .records import SharedCase  # the content side's table (exchange-common.md)

    moved = db.execute(update(SharedCase).where(SharedCase.origin == old)
                       .values(origin=key.fingerprint))
    db.flush()
    held = db.scalar(select(func.count(OutboxItem.id)).where(
        OutboxItem.partner_id == partner.id, OutboxItem.status == "held")) or 0
    audit.record("exchange.partner_rekey", principal, object_type="exchange_partner",
                 object_id=partner.id, old_fingerprint=old, fingerprint=key.fingerprint,
                 held=held, cases=int(getattr(moved, "rowcount", 0) or 0), session=db)
    db.commit()
    return partner


def _own_fingerprint() -> str | None:
    settings = get_settings()
    try:
        me = keys.load(settings.data_dir, settings.exchange_key)
    except DomainError:
        return None
    return me.public.fingerprint if me else None


def disable_partner(db: Session, principal: Principal, name: str) -> Partner:
    """Stop the exchange with a partner: its bundles are refused (``partner_disabled``),
    nothing new is queued for it, and the bundles waiting for it are **held** (not pushed,
    not exported) until an administrator sends each again after enabling it."""
    _require(principal, "exchange.admin")
    partner = _partner(db, name)
    if not partner.active:
        raise ExchangeError("partner_disabled", N_("Partner {name} is disabled."), status=409,
                            name=name)
    partner.active = False
    held = db.scalars(select(OutboxItem).where(OutboxItem.partner_id == partner.id,
                                               OutboxItem.status == "pending")).all()
    for item in held:
        item.status = "held"
    audit.record("exchange.partner_disable", principal, object_type="exchange_partner",
                 object_id=partner.id, held=len(held), session=db)
    db.commit()
    return partner


def enable_partner(db: Session, principal: Principal, name: str) -> Partner:
    """Exchange with a disabled partner again, under the key registered for it (the
    administrator compares its fingerprint with the partner first: a partner that came back
    with a new key is not this partner). Nothing is sent automatically: the bundles held by
    the disable, and the dead ones, wait for "Kirim lagi" (:func:`resend`); what the partner
    pushed meanwhile was refused there and is the partner's to send again."""
    _require(principal, "exchange.admin")
    partner = _partner(db, name)
    if partner.active:
        raise ExchangeError("partner_active", N_("Partner {name} is enabled already."),
                            status=409, name=name)
    partner.active = True
    for item in db.scalars(select(OutboxItem).where(OutboxItem.partner_id == partner.id,
                                                    OutboxItem.status == "pending")):
        item.status = "held"  # left pending by a disable before bundles were held
    db.flush()
    held = db.scalar(select(func.count(OutboxItem.id)).where(
        OutboxItem.partner_id == partner.id, OutboxItem.status == "held")) or 0
    audit.record("exchange.partner_enable", principal, object_type="exchange_partner",
                 object_id=partner.id, held=held, session=db)
    db.commit()
    return partner


def partners(db: Session, principal: Principal) -> list[dict[str, Any]]:
    """Every partner with its sync health: last delivery and receipt, pending, dead, the newest
    failure's reason."""
    _require(principal, "exchange.admin")
    rows = list(db.scalars(select(Partner).order_by(Partner.name)))

    def per_partner(model: Any, column: Any, *where: Any) -> dict[int, Any]:
        return dict(db.execute(select(model.partner_id, column).where(*where)
                               .group_by(model.partner_id)).all())

    delivered = per_partner(OutboxItem, func.max(OutboxItem.delivered_at),
                            OutboxItem.status == "delivered")
    received = per_partner(InboxItem, func.max(InboxItem.received_at))
    pending = per_partner(OutboxItem, func.count(OutboxItem.id), OutboxItem.status == "pending")
    dead = per_partner(OutboxItem, func.count(OutboxItem.id), OutboxItem.status == "dead")
    held = per_partner(OutboxItem, func.count(OutboxItem.id), OutboxItem.status == "held")
    waiting = per_partner(InboxItem, func.count(InboxItem.id), InboxItem.status == "pending")
    errors = dict(db.execute(
        select(OutboxItem.partner_id, OutboxItem.last_error)
        .where(OutboxItem.last_error.is_not(None), OutboxItem.status != "delivered")
        .order_by(OutboxItem.id)).all())
    return [{"id": p.id, "name": p.name, "title": p.title,
             "fingerprint": keys.short(p.fingerprint),
             "url": p.url, "organisation": p.organisation, "acceptance": p.acceptance,
             "active": p.active, "last_delivery": delivered.get(p.id),
             "last_received": received.get(p.id), "pending": pending.get(p.id, 0),
             "dead": dead.get(p.id, 0), "held": held.get(p.id, 0),
             "inbox_pending": waiting.get(p.id, 0),
             "last_error": errors.get(p.id)} for p in rows]


# -- sending ---------------------------------------------------------------------------------------

def _active_partner(db: Session, name: str) -> tuple[Partner, keys.PublicKey]:
    partner = _partner(db, name)
    if not partner.active:
        raise ExchangeError("partner_disabled", N_("Partner {name} is disabled."), status=409,
                            name=name)
    return partner, keys.parse_public(partner.public_key)


def _seal(partner_key: keys.PublicKey, kind: str, payload: dict[str, Any]) -> tuple[bytes, str]:
    raw = bundle.seal(identity(), partner_key, kind, payload)
    limit = get_settings().exchange_max_bundle_bytes
    if len(raw) > limit:
        raise bundle.refuse("oversize", limit=limit)
    return raw, json.loads(raw)["nonce"]


def queue_bundle(db: Session, actor: Any, partner_name: str, kind: str,
                 payload: dict[str, Any], *, subjects: dict[str, Any] | None = None) -> int:
    """Seal ``payload`` for the partner and record it in the outbox in the caller's transaction
    (no commit); the delivery loop pushes it. ``subjects``: the consent the content side sealed
    it under (``consent.subjects``), which :func:`resend` checks again. Returns the outbox
    id."""
    _require(actor, "exchange.send")
    partner, key = _active_partner(db, partner_name)
    raw, nonce = _seal(key, kind, payload)
    item = OutboxItem(partner_id=partner.id, kind=kind, nonce=nonce, bundle=raw.decode("utf-8"),
                      status="pending", attempts=0, next_attempt_at=utcnow(),
                      created_by=actor.username[:ACTOR_MAX],
                      consent_json=json.dumps(subjects) if subjects else None)
    db.add(item)
    db.flush()
    audit.record("exchange.queue", actor, object_type="exchange_outbox", object_id=item.id,
                 partner=partner.name, kind=kind, session=db)
    return item.id


def _to_file(db: Session, principal: Principal, partner_name: str, kind: str,
             payload: dict[str, Any], **detail: Any) -> bytes:
    partner, key = _active_partner(db, partner_name)
    raw, nonce = _seal(key, kind, payload)
    item = OutboxItem(partner_id=partner.id, kind=kind, nonce=nonce, bundle=raw.decode("utf-8"),
                      status="file", attempts=0, next_attempt_at=utcnow(),
                      created_by=principal.username[:ACTOR_MAX], delivered_at=utcnow())
    db.add(item)
    db.flush()
    audit.record("exchange.send_file", principal, object_type="exchange_outbox",
                 object_id=item.id, partner=partner.name, kind=kind, session=db, **detail)
    db.commit()
    return raw


def ping_payload() -> dict[str, Any]:
    import secrets

    return {"id": secrets.token_hex(8), "message": f"ping from {installation_name()}",
            "sent_at": datetime.now(UTC).strftime(bundle.TIME_FORMAT)}


def send_ping(db: Session, principal: Principal, partner_name: str, *,
              to_file: bool) -> bytes | int:
    """A ping for the partner: the bundle bytes (``to_file``) or the outbox id (queued)."""
    _require(principal, "exchange.send")
    if to_file:
        return _to_file(db, principal, partner_name, "ping", ping_payload())
    outbox_id = queue_bundle(db, principal, partner_name, "ping", ping_payload())
    db.commit()
    return outbox_id


def _referral_module() -> Any:
    try:
        return importlib.import_module(REFERRAL_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != REFERRAL_MODULE:
            raise
        raise ExchangeError("not_available", N_(
            "Sending cases needs the exchange content module, which is not installed."),
            status=501) from None


def send_case(db: Session, principal: Principal, case_number: str, partner_name: str, *,
              consent_override: str | None, to_file: bool) -> bytes | int:
    """A referral of the case to the partner, built by the content side (which checks consent
    and the field policy), or a case update when the partner holds the case already: the
    bundle bytes (``to_file``) or the outbox id (queued)."""
    _require(principal, "exchange.send")
    partner, _key = _active_partner(db, partner_name)
    content = _referral_module()
    kind_of = getattr(content, "bundle_kind", None)  # a content module may name only referrals
    kind = kind_of(db, principal, case_number, info(partner)) if kind_of else "referral"
    payload = content.build_referral(db, principal, case_number, info(partner),
                                     consent_override=consent_override)
    detail = {"case_number": case_number, "consent_override": bool(consent_override)}
    if to_file:
        return _to_file(db, principal, partner_name, kind, payload, **detail)
    subjects_of = getattr(content, "consent_subjects", None)
    subjects = subjects_of(db, principal, case_number, info(partner), payload) \
        if subjects_of else None
    outbox_id = queue_bundle(db, principal, partner_name, kind, payload, subjects=subjects)
    db.commit()
    return outbox_id


def _outbox_item(db: Session, outbox_id: int) -> OutboxItem:
    """The outbox entry, or a 404 that says it does not exist (``exchange export 999`` said
    "Only a waiting or dead bundle can be written to a file."; walk18)."""
    item = db.get(OutboxItem, outbox_id)
    if item is None:
        raise ExchangeError("not_found", N_("No outgoing bundle has this number."), status=404)
    return item


def _outbox_partner_active(db: Session, item: OutboxItem) -> Partner:
    """A disabled partner's bundles are neither sent again nor exported (enable it first),
    nor one sealed to a key the partner no longer has (:func:`replace_key`): it could not open
    it."""
    partner = db.get(Partner, item.partner_id)
    assert partner is not None  # a foreign key
    if not partner.active:
        raise ExchangeError("partner_disabled", N_("Partner {name} is disabled."), status=409,
                            name=partner.name)
    if json.loads(item.bundle).get("to") != partner.fingerprint:
        raise ExchangeError("sealed_for_old_key", N_(
            "This bundle was sealed to the previous key of partner {name}, which cannot open "
            "it with its new key: send the case again instead."), status=409,
                            name=partner.name)
    return partner


def consent_in_force(db: Session, item: OutboxItem, partner: Partner) -> bool:
    """Whether a bundle may still go: sealed without the victims' consent (a legal basis, no
    personal data), or under a consent still in force for the partner and purpose it was
    sealed for (``consent.in_force``)."""
    if not item.consent_json:
        return True
    from .consent import in_force  # the content side's consent records

    need = json.loads(item.consent_json)
    recipient = PartnerInfo(partner.name, need.get("organisation") or partner.organisation,
                            partner.fingerprint)
    return in_force(db, [int(p) for p in need["persons"]], recipient, need["purpose"]) is not None


def _consent_still_holds(db: Session, principal: Principal, item: OutboxItem,
                         partner: Partner, action: str) -> None:
    """A bundle sealed under the victims' consent goes again only while that consent is in
    force (not withdrawn, not replaced by a refusal): checked as when it was sealed
    (``consent.in_force``, against the partner and organisation type it was sealed for). A
    refusal is audited (``action``, outcome ``refused``, code ``consent_withdrawn``) and
    committed; the bundle stays as it was."""
    if consent_in_force(db, item, partner):
        return
    audit.record(action, principal, object_type="exchange_outbox", object_id=item.id,
                 outcome="refused", code="consent_withdrawn", kind=item.kind,
                 purpose=json.loads(item.consent_json or "{}").get("purpose"), session=db)
    db.commit()
    raise ExchangeError("consent_withdrawn", N_(
        "This bundle was sealed under the victim's consent, which has since been withdrawn or "
        "refused: it is not sent. Record the consent again and send the case again, or send "
        "it with a documented legal basis."), status=409)


def resend(db: Session, principal: Principal, outbox_id: int) -> OutboxItem:
    """Queue a dead, held (by a partner's disable) or waiting bundle again, with a fresh
    count of attempts; refused while its partner is disabled, for a bundle sealed to a key the
    partner no longer has, and for one sealed under a consent no longer in force."""
    _require(principal, "exchange.admin")
    item = _outbox_item(db, outbox_id)
    if item.status not in ("dead", "pending", "held", "withdrawn"):
        raise ExchangeError("not_resendable", N_("Only a waiting or dead bundle can be sent "
                                                 "again."), status=404)
    partner = _outbox_partner_active(db, item)
    _consent_still_holds(db, principal, item, partner, "exchange.resend")
    item.status, item.attempts, item.next_attempt_at = "pending", 0, utcnow()
    audit.record("exchange.resend", principal, object_type="exchange_outbox",
                 object_id=item.id, session=db)
    db.commit()
    return item


def export_queued(db: Session, principal: Principal, outbox_id: int) -> bytes:
    """A waiting bundle as a file (for a partner without an address, or a network down): its
    bytes; it is marked as handed over as a file."""
    _require(principal, "exchange.admin")
    item = _outbox_item(db, outbox_id)
    if item.status not in ("pending", "dead", "held", "withdrawn"):
        raise ExchangeError("not_exportable", N_("Only a waiting or dead bundle can be "
                                                 "written to a file."), status=404)
    partner = _outbox_partner_active(db, item)
    _consent_still_holds(db, principal, item, partner, "exchange.send_file")
    item.status, item.delivered_at = "file", utcnow()
    audit.record("exchange.send_file", principal, object_type="exchange_outbox",
                 object_id=item.id, kind=item.kind, session=db)
    db.commit()
    return item.bundle.encode("utf-8")


@dataclass(frozen=True)
class PartnerChoice:
    """A partner as an officer picks it: ``title`` (the organisation's name, else the
    identifier) and the organisation type are shown; ``name`` is the value a form sends."""

    name: str
    title: str
    organisation: str | None


def active_partners(db: Session) -> list[PartnerChoice]:
    """The enabled partners, by the name people read (the send and verification forms)."""
    rows = db.scalars(select(Partner).where(Partner.active.is_(True)))
    return sorted((PartnerChoice(p.name, p.title or p.name, p.organisation) for p in rows),
                  key=lambda c: (c.title.casefold(), c.name))


def partner_titles(db: Session) -> dict[str, str]:
    """identifier -> the name people read, for pages that name a bundle's or a consent's
    partner (organisations, not personal data)."""
    return {name: title or name for name, title in db.execute(select(Partner.name,
                                                                      Partner.title))}


def queued_by_me(db: Session, principal: Principal, outbox_id: int) -> dict[str, Any] | None:
    """An outgoing bundle this user queued (id, kind, status, partner's title), for the
    message after "Kirim ke mitra"; ``None`` for another user's or an unknown number."""
    _require(principal, "exchange.send")
    row = db.execute(select(OutboxItem, Partner).join(Partner)
                     .where(OutboxItem.id == outbox_id)).first()
    if row is None or row[0].created_by != principal.username[:ACTOR_MAX]:
        return None
    item, partner = row
    return {"id": item.id, "kind": item.kind, "status": item.status,
            "partner": partner.title or partner.name}


def send_choices(db: Session, principal: Principal) -> list[PartnerChoice]:
    """Active partners a case can be sent to, for the send form."""
    _require(principal, "exchange.send")
    return active_partners(db)


def outbox(db: Session, principal: Principal, limit: int = 200) -> list[dict[str, Any]]:
    _require(principal, "exchange.admin")
    rows = db.execute(select(OutboxItem, Partner.name).join(Partner)
                      .order_by(OutboxItem.id.desc()).limit(limit)).all()
    return [{"id": o.id, "partner": name, "kind": o.kind, "status": o.status,
             "attempts": o.attempts, "next_attempt_at": o.next_attempt_at,
             "last_error": o.last_error, "created_at": o.created_at,
             "delivered_at": o.delivered_at} for o, name in rows]


def attempts(db: Session, principal: Principal, outbox_id: int) -> list[DeliveryAttempt]:
    _require(principal, "exchange.admin")
    return list(db.scalars(select(DeliveryAttempt).where(DeliveryAttempt.outbox_id == outbox_id)
                           .order_by(DeliveryAttempt.id)))


# -- receiving -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Received:
    inbox_id: int
    kind: str
    status: str
    partner: str
    applied: Applied


def _lookup(db: Session) -> Callable[[str], keys.PublicKey]:
    def sender_key(fingerprint: str) -> keys.PublicKey:
        partner = db.scalar(select(Partner).where(Partner.fingerprint == fingerprint))
        if partner is None:
            raise bundle.refuse("unknown_partner", sender=fingerprint)
        if not partner.active:
            raise bundle.refuse("partner_disabled", name=partner.name)
        return keys.parse_public(partner.public_key)
    return sender_key


def open_checked(db: Session, raw: bytes) -> tuple[bundle.Opened, Partner, handlers.Handler]:
    """Every check a bundle passes before anything is stored (signature, recipient, partner,
    age, decryption, replay, known kind)."""
    settings = get_settings()
    opened = bundle.open_bundle(raw, identity(), _lookup(db),
                                limit=settings.exchange_max_bundle_bytes,
                                max_age=timedelta(days=settings.exchange_max_age_days))
    partner = db.scalar(select(Partner).where(Partner.fingerprint == opened.sender))
    assert partner is not None  # the lookup above found it
    if db.scalar(select(Nonce.id).where(Nonce.partner_id == partner.id,
                                        Nonce.nonce == opened.nonce)) is not None:
        raise bundle.refuse("replayed", nonce=opened.nonce, name=partner.name)
    load_handlers()
    handler = handlers.get(opened.kind)
    if handler is None:
        raise ExchangeError("unknown_kind", N_("This installation does not handle bundles of "
                                               "kind {kind} (it handles: {known})."),
                            kind=opened.kind, known=", ".join(handlers.kinds()))
    return opened, partner, handler


def _apply(db: Session, handler: handlers.Handler, actor: Principal, partner: Partner,
           payload: dict[str, Any]) -> Applied:
    """Apply the payload and queue the handler's reply (a partner without an address gets it
    as a file: ``waspada exchange export OUTBOX_ID``)."""
    applied = handler.apply(db, actor, info(partner), payload, preview=False)
    if applied.reply is not None:
        kind, reply = applied.reply
        queue_bundle(db, system_principal(partner.name), partner.name, kind, reply)
    return applied


def _preview(db: Session, handler: handlers.Handler, actor: Principal, partner: Partner,
             payload: dict[str, Any]) -> Applied:
    """What the handler would do; a handler that changes anything while previewing breaks
    the contract and is refused (the caller rolls back)."""
    before = (set(db.new), set(db.dirty), set(db.deleted))
    applied = handler.apply(db, actor, info(partner), payload, preview=True)
    if (set(db.new), set(db.dirty), set(db.deleted)) != before:
        raise ExchangeError("preview_wrote", N_("The handler of kind {kind} changed data while "
                                                "previewing; nothing was stored."),
                            status=500, kind=handler.kind)
    return applied


def _result(applied: Applied) -> str:
    return json.dumps({"case_number": applied.case_number, "created": applied.created,
                       "changed": applied.changed, "conflict": applied.conflict})


def _store(db: Session, opened: bundle.Opened, partner: Partner, via: str) -> InboxItem:
    db.add(Nonce(partner_id=partner.id, nonce=opened.nonce,
                 bundle_created_at=opened.created_at))
    item = InboxItem(partner_id=partner.id, kind=opened.kind, nonce=opened.nonce,
                     bundle_created_at=opened.created_at, via=via, status="pending",
                     payload_json=json.dumps(opened.payload, ensure_ascii=False))
    db.add(item)
    try:
        db.flush()
    except IntegrityError:  # the same bundle arriving twice at the same moment
        db.rollback()
        raise bundle.refuse("replayed", nonce=opened.nonce, name=partner.name) from None
    return item


def receive(db: Session, raw: bytes, *, via: str, ip: str | None = None) -> Received:
    """Open a bundle (pushed to the inbox or read from a file), store it, and apply it at once
    for a partner set to automatic acceptance; otherwise it waits for an officer. A refused
    automatic apply is undone whole and the bundle kept as ``failed`` with the reason."""
    opened, partner, handler = open_checked(db, raw)
    partner_id, partner_name = partner.id, partner.name
    item = _store(db, opened, partner, via)
    applied = Applied()
    if partner.acceptance == "auto":
        system = system_principal(partner_name)
        try:
            applied = _apply(db, handler, system, partner, opened.payload)
            item.status, item.decided_by, item.decided_at = "accepted", system.username, utcnow()
        except DomainError as exc:
            db.rollback()  # the handler's writes go; the bundle is kept, failed, with why
            partner = db.get(Partner, partner_id) or partner
            item = _store(db, opened, partner, via)
            item.status, item.reason = "failed", exc.english[:REASON_MAX]
            applied = Applied()
        item.result_json = _result(applied)
    else:
        applied = _preview(db, handler, system_principal(partner_name), partner,
                           opened.payload)
        applied = Applied(case_number=applied.case_number, changes=applied.changes)
    audit.record("exchange.receive", None, actor=f"partner:{partner_name}"[:ACTOR_MAX],
                 object_type="exchange_inbox", object_id=item.id, kind=opened.kind,
                 status=item.status, via=via, ip=ip, session=db)
    db.commit()
    return Received(item.id, opened.kind, item.status, partner_name, applied)


def _pending(db: Session, inbox_id: int) -> tuple[InboxItem, Partner, handlers.Handler]:
    item = db.get(InboxItem, inbox_id)
    if item is None:
        raise ExchangeError("not_found", N_("No received bundle has this number."), status=404)
    if item.status != "pending":
        raise ExchangeError("decided", N_("This bundle was decided already ({state})."),
                            status=409, state=item.status)
    load_handlers()
    handler = handlers.get(item.kind)
    if handler is None:
        raise ExchangeError("unknown_kind", N_("This installation no longer handles bundles of "
                                               "kind {kind}."), kind=item.kind)
    partner = db.get(Partner, item.partner_id)
    assert partner is not None
    return item, partner, handler


def accept(db: Session, principal: Principal, inbox_id: int) -> Applied:
    """An officer accepts a waiting bundle: the handler applies it in their name."""
    _require(principal, "exchange.receive")
    item, partner, handler = _pending(db, inbox_id)
    applied = _apply(db, handler, principal, partner, json.loads(item.payload_json))
    item.status, item.result_json = "accepted", _result(applied)
    item.decided_by, item.decided_at = principal.username[:ACTOR_MAX], utcnow()
    audit.record("exchange.accept", principal, object_type="exchange_inbox", object_id=item.id,
                 kind=item.kind, session=db)
    db.commit()
    return applied


def reject(db: Session, principal: Principal, inbox_id: int, reason: str) -> None:
    _require(principal, "exchange.receive")
    item, _partner_row, _handler = _pending(db, inbox_id)
    item.status, item.reason = "rejected", reason[:REASON_MAX]
    item.decided_by, item.decided_at = principal.username[:ACTOR_MAX], utcnow()
    audit.record("exchange.reject", principal, object_type="exchange_inbox", object_id=item.id,
                 kind=item.kind, session=db)
    db.commit()


def inbox(db: Session, principal: Principal, *, status: str | None = None,
          limit: int = 100) -> list[dict[str, Any]]:
    """Received bundles, newest first; waiting ones with the handler's preview (read-only).
    Reading payloads is audited."""
    _require(principal, "exchange.receive")
    load_handlers()
    query = select(InboxItem, Partner).join(Partner).order_by(InboxItem.id.desc()).limit(limit)
    if status:
        query = query.where(InboxItem.status == status)
    found = []
    for item, partner in db.execute(query).all():
        preview = Applied()
        handler = handlers.get(item.kind)
        if item.status == "pending" and handler is not None:
            preview = _preview(db, handler, principal, partner, json.loads(item.payload_json))
        found.append({"id": item.id, "partner": partner.name, "kind": item.kind,
                      "status": item.status, "via": item.via, "received_at": item.received_at,
                      "reason": item.reason, "result": json.loads(item.result_json or "{}"),
                      "changes": preview.changes, "conflict": preview.conflict})
    audit.record("exchange.inbox_read", principal, object_type="exchange_inbox",
                 count=len(found), session=db)
    db.commit()
    return found


def prune_nonces(db: Session) -> int:
    """Forget nonces of bundles older than the maximum age (they are refused as expired)."""
    cutoff = utcnow() - timedelta(days=get_settings().exchange_max_age_days,
                                  minutes=bundle.CLOCK_SKEW.total_seconds() // 60)
    result = db.execute(delete(Nonce).where(Nonce.bundle_created_at < cutoff))
    db.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def erase_decided_payloads(db: Session) -> int:
    """Erase the payload (personal data) of inbox bundles decided more than
    ``exchange_inbox_keep_days`` ago — what was accepted lives on in the case, under the case's
    retention; what was rejected or failed is not kept (UU 27/2022: no longer than needed).
    One audit entry with the count, in the same transaction."""
    cutoff = utcnow() - timedelta(days=get_settings().exchange_inbox_keep_days)
    stale = db.scalars(select(InboxItem).where(InboxItem.status != "pending")
                       .where(func.coalesce(InboxItem.decided_at, InboxItem.received_at)
                              < cutoff)
                       .where(InboxItem.payload_json != "{}")).all()
    for item in stale:
        item.payload_json = "{}"
    if stale:
        audit.record("exchange.inbox_erase", None, actor="system", object_type="exchange_inbox",
                     count=len(stale), session=db)
    from .personal_data import erase_stale  # reads the cases' references: imported when used

    others = erase_stale(db, cutoff)  # pulled Primero cases, verification requests answered
    db.commit()
    return len(stale) + others


def applied_dict(applied: Applied) -> dict[str, Any]:
    return asdict(applied)
