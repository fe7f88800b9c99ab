"""Offer tables: the licensed placement-agency (P3MI) registry, citizens' reports, bulk scans."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from waspada.offers.agencies import normalise_company
from waspada.platform.db import Base, UTCDateTime, utcnow


class Agency(Base):
    """A licensed migrant-worker placement company (P3MI) from the official registry."""

    __tablename__ = "offer_agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300), unique=True)
    license_no: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(32), default="active")
    source: Mapped[str] = mapped_column(String(200), default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OfferReport(Base):
    """An offer a member of the public chose to report from the public check page."""

    __tablename__ = "offer_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    text: Mapped[str] = mapped_column(Text)
    where_seen: Mapped[str] = mapped_column(String(200), default="")
    reporter_contact: Mapped[str] = mapped_column(String(200), default="")
    score: Mapped[float] = mapped_column(default=0.0)
    level: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="new")


class OfferScan(Base):
    """A bulk scan run by an analyst; results are kept so they can be downloaded."""

    __tablename__ = "offer_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                nullable=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    records: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    high: Mapped[int] = mapped_column(Integer, default=0)
    results_jsonl: Mapped[str] = mapped_column(Text, default="")


def agency_names(session: Session) -> list[str]:
    """Names of active registered agencies, for :func:`waspada.offers.analyse.analyse`."""
    return list(session.scalars(select(Agency.name).where(Agency.status == "active")
                                .order_by(Agency.name)))


class AgencyImportError(ValueError):
    """The registry file cannot be imported; the message names the line."""


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    rows: int


AGENCY_COLUMNS = ("name", "license_no", "address", "status")


def parse_agency_csv(data: bytes) -> list[dict[str, str]]:
    """Parse ``name[,license_no,address,status]`` CSV (UTF-8); errors name the line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AgencyImportError(f"the file is not UTF-8 (byte {exc.start})") from None
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "name" not in [f.strip().lower() for f in reader.fieldnames]:
        raise AgencyImportError("line 1: the header must contain a 'name' column "
                                f"(allowed: {', '.join(AGENCY_COLUMNS)})")
    rows: list[dict[str, str]] = []
    try:
        for line_no, raw in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()
                   if isinstance(v, str)}
            if not row.get("name"):
                raise AgencyImportError(f"line {line_no}: the name is empty")
            if len(row["name"]) > 300:
                raise AgencyImportError(f"line {line_no}: the name is longer than 300 characters")
            status = row.get("status", "active") or "active"
            if status not in ("active", "revoked", "suspended"):
                raise AgencyImportError(f"line {line_no}: status must be active, revoked or "
                                        "suspended")
            rows.append({"name": row["name"], "license_no": row.get("license_no", "")[:100],
                         "address": row.get("address", "")[:500], "status": status})
    except csv.Error as exc:
        raise AgencyImportError(f"line {reader.line_num}: malformed CSV ({exc})") from None
    return rows


def import_agencies(session: Session, rows: list[dict[str, str]], source: str) -> ImportResult:
    """Insert or update agencies by normalised name (all rows or none: the caller commits)."""
    added = updated = 0
    existing = {a.name_key: a for a in session.scalars(select(Agency))}
    for row in rows:
        key = normalise_company(row["name"]) or row["name"].lower()
        agency = existing.get(key)
        if agency is None:
            agency = Agency(name=row["name"], name_key=key, source=source[:200])
            session.add(agency)
            existing[key] = agency
            added += 1
        else:
            updated += 1
        agency.license_no = row["license_no"]
        agency.address = row["address"]
        agency.status = row["status"]
        agency.imported_at = utcnow()
    session.flush()
    return ImportResult(added=added, updated=updated, rows=len(rows))
