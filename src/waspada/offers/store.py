"""Offer tables: the licensed placement-agency (P3MI) registry, citizens' reports, bulk scans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from waspada.offers.agencies import normalise_company
from waspada.offers.schemas import (
    ADDRESS_MAX,
    AGENCY_NAME_MAX,
    AGENCY_STATUS_MAX,
    AGENCY_STATUSES,
    CONTACT_MAX,
    FILENAME_MAX,
    LEVEL_MAX,
    LICENSE_NO_MAX,
    REPORT_STATUS_MAX,
    SOURCE_MAX,
    WHERE_SEEN_MAX,
)
from waspada.platform.db import Base, UTCDateTime, utcnow
from waspada.platform.files import FileError, decode_text, read_csv


class Agency(Base):
    """A licensed migrant-worker placement company (P3MI) from the official registry."""

    __tablename__ = "offer_agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(AGENCY_NAME_MAX))
    name_key: Mapped[str] = mapped_column(String(AGENCY_NAME_MAX), unique=True)
    license_no: Mapped[str] = mapped_column(String(LICENSE_NO_MAX), default="")
    address: Mapped[str] = mapped_column(String(ADDRESS_MAX), default="")
    status: Mapped[str] = mapped_column(String(AGENCY_STATUS_MAX), default="active")
    source: Mapped[str] = mapped_column(String(SOURCE_MAX), default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OfferReport(Base):
    """An offer a member of the public chose to report from the public check page."""

    __tablename__ = "offer_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    text: Mapped[str] = mapped_column(Text)
    where_seen: Mapped[str] = mapped_column(String(WHERE_SEEN_MAX), default="")
    reporter_contact: Mapped[str] = mapped_column(String(CONTACT_MAX), default="")
    score: Mapped[float] = mapped_column(default=0.0)
    level: Mapped[str] = mapped_column(String(LEVEL_MAX))
    status: Mapped[str] = mapped_column(String(REPORT_STATUS_MAX), default="new")


class OfferScan(Base):
    """A bulk scan run by an analyst; results are kept so they can be downloaded."""

    __tablename__ = "offer_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                nullable=True)
    filename: Mapped[str] = mapped_column(String(FILENAME_MAX), default="")
    records: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    high: Mapped[int] = mapped_column(Integer, default=0)
    results_jsonl: Mapped[str] = mapped_column(Text, default="")


def agency_names(session: Session) -> list[str]:
    """Names of active registered agencies, for :func:`waspada.offers.analyse.analyse`."""
    return list(session.scalars(select(Agency.name).where(Agency.status == "active")
                                .order_by(Agency.name)))


def all_agencies(session: Session) -> list[Agency]:
    """Every registry entry, whatever its status (the public lookup shows revoked ones too)."""
    return list(session.scalars(select(Agency).order_by(Agency.name)))


class AgencyImportError(FileError):
    """The registry file cannot be imported; the message names the line."""


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    rows: int


AGENCY_COLUMNS = ("name", "license_no", "address", "status")
_LIMITS = {"name": AGENCY_NAME_MAX, "license_no": LICENSE_NO_MAX, "address": ADDRESS_MAX}


def parse_agency_csv(data: bytes) -> list[dict[str, str]]:
    """Parse ``name[,license_no,address,status]`` CSV (UTF-8) strictly; errors name the line."""
    try:
        table = read_csv(decode_text(data), required=("name",), allowed=AGENCY_COLUMNS)
        header = table.header
        rows: list[dict[str, str]] = []
        for raw in table.rows:
            line_no = raw.line
            if len(raw.values) != len(header):
                raise AgencyImportError(f"expected {len(header)} fields, found "
                                        f"{len(raw.values)}", line_no, code="field_count",
                                        expected=len(header), found=len(raw.values))
            row = {k: v.strip() for k, v in zip(header, raw.values, strict=True)}
            if not row.get("name"):
                raise AgencyImportError("the name is empty", line_no, code="empty_value",
                                        column="name")
            for column, limit in _LIMITS.items():
                if len(row.get(column, "")) > limit:
                    raise AgencyImportError(f"the {column} is longer than {limit} characters",
                                            line_no, code="field_too_long", column=column)
            status = row.get("status", "active") or "active"
            if status not in AGENCY_STATUSES:
                raise AgencyImportError("status must be active, revoked or suspended", line_no,
                                        code="bad_value", column="status")
            rows.append({"name": row["name"], "license_no": row.get("license_no", ""),
                         "address": row.get("address", ""), "status": status})
    except AgencyImportError:
        raise
    except FileError as exc:
        raise AgencyImportError(exc.reason, exc.line, code=exc.code, **exc.params) from None
    return rows


def import_agencies(session: Session, rows: list[dict[str, str]], source: str) -> ImportResult:
    """Insert or update agencies by normalised name (all rows or none: the caller commits)."""
    added = updated = 0
    existing = {a.name_key: a for a in session.scalars(select(Agency))}
    for row in rows:
        key = normalise_company(row["name"]) or row["name"].lower()
        agency = existing.get(key)
        if agency is None:
            agency = Agency(name=row["name"], name_key=key, source=source)
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
