"""An HTTP client for Primero's API v2 (primeroIMS/primero ``doc/api.md``).

Shapes implemented, each from Primero's documentation:

- sign-in ``POST /api/v2/tokens`` ``{"user": {"user_name", "password"}}``; the token comes back
  in the ``Authorization: Bearer …`` RESPONSE header and expires after 60 minutes; POSTing with
  a valid token refreshes it (doc/api/tokens/post.md). We refresh after 50 minutes and sign in
  again once when a call answers 401.
- paged pulls ``GET /api/v2/cases?page=&per=`` (``per`` at most 1000, stop on
  ``metadata.total``: doc/api/cases/get.md) filtered by ``last_updated_at=FROM..TO`` (ranges are
  ``a..b`` with ISO 8601 ends: app/services/destringify_service.rb,
  app/models/search_filters/date_range.rb).
- create ``POST /api/v2/cases`` with our UUID as ``data.id`` → 204 No Content, 409 Conflict
  when it exists (doc/api/cases/post.md); then ``PATCH /api/v2/cases/:id`` with only the changed
  fields (doc/api/cases/id/patch.md).
- referrals ``POST /api/v2/cases/:id/referrals`` ``{"data": {"transitioned_to", "notes"}}``
  (doc/api/referrals/id/post.md).
- lookups ``GET /api/v2/lookups`` and locations ``GET /api/v2/locations`` (doc/api/lookups/get.md,
  doc/api/locations/get.md).
- errors ``{"errors": [{"code", "resource", "message", "detail"?}]}`` (each page's error
  responses) are raised as :class:`PrimeroError` with Primero's message and detail.

Retries with exponential backoff happen on 5xx answers and connection errors/timeouts only.
Responses are read in a stream and refused beyond ``max_bytes``. Nothing personal is logged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from waspada.platform.domain import DomainError

log = logging.getLogger(__name__)

TOKEN_LIFETIME = 60 * 60      # doc/api/tokens/post.md
REFRESH_AFTER = 50 * 60       # refresh well before the expiry
MAX_PER = 1000                # doc/api/cases/get.md
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class PrimeroError(DomainError):
    """Primero refused a call or could not be reached (English message, no personal data)."""

    def __init__(self, code: str, message: str, *, http_status: int | None = None,
                 status: int = 502, **params: Any) -> None:
        self.http_status = http_status
        super().__init__(code, message, status=status, **params)


@dataclass
class PushResult:
    """What pushing one case did: ``created``, ``patched`` or ``unchanged``."""

    action: str
    http_status: int | None
    sent_fields: list[str] = field(default_factory=list)


def _errors_text(response: httpx.Response) -> str:
    """Primero's ``errors[].message`` (+ ``detail``), or its ``error`` string (tokens)."""
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        parts = []
        for error in body["errors"][:10]:
            if isinstance(error, dict):
                text = str(error.get("message", ""))
                if error.get("detail"):
                    text += f" ({error['detail']})"
                parts.append(text)
        return "; ".join(parts) or f"HTTP {response.status_code}"
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return body["error"]
    return f"HTTP {response.status_code}"


def changed_fields(new: dict[str, Any], last_sent: dict[str, Any] | None) -> dict[str, Any]:
    """The fields of ``new`` whose values differ from the last snapshot sent (pure)."""
    previous = last_sent or {}
    return {k: v for k, v in new.items() if k != "id" and previous.get(k, _MISSING) != v}


_MISSING = object()


class PrimeroClient:
    """One signed-in connection to one Primero server."""

    def __init__(self, base_url: str, user_name: str, password: str, *,
                 http: httpx.Client | None = None, timeout: float = 30.0, retries: int = 3,
                 backoff: float = 0.5, max_bytes: int = DEFAULT_MAX_BYTES,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.base_url = base_url.rstrip("/")
        self._user_name = user_name
        self._password = password
        self._http = http or httpx.Client(timeout=timeout)
        self._retries = retries
        self._backoff = backoff
        self._max_bytes = max_bytes
        self._clock = clock
        self._sleep = sleep
        self._token: str | None = None
        self._token_at = 0.0
        self.sign_ins = 0
        self.refreshes = 0

    # ----- transport
    def _send(self, method: str, path: str, *, json: Any = None,
              params: dict[str, Any] | None = None,
              headers: dict[str, str] | None = None) -> httpx.Response:
        """One call with retries on 5xx/connection errors; the body is read up to max_bytes."""
        url = self.base_url + path
        attempt = 0
        while True:
            try:
                request = self._http.build_request(method, url, json=json, params=params,
                                                   headers=headers)
                response = self._http.send(request, stream=True)
                try:
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body.extend(chunk)
                        if len(body) > self._max_bytes:
                            raise PrimeroError(
                                "primero_too_large",
                                "Primero's answer to {method} {path} exceeds {limit} bytes",
                                method=method, path=path, limit=self._max_bytes)
                finally:
                    response.close()
                # iter_bytes already decoded any content-encoding: drop it so the bytes are
                # not decoded twice (and the bound applies to the decoded size)
                plain = [(k, v) for k, v in response.headers.multi_items()
                         if k.lower() not in ("content-encoding", "content-length")]
                response = httpx.Response(response.status_code, headers=plain,
                                          content=bytes(body), request=request)
            except httpx.TransportError as exc:
                if attempt >= self._retries:
                    raise PrimeroError("primero_unreachable",
                                       "Primero could not be reached ({kind}) after {n} tries",
                                       kind=type(exc).__name__, n=attempt + 1) from None
                self._pause(attempt)
                attempt += 1
                continue
            if response.status_code >= 500 and attempt < self._retries:
                log.info("primero %s %s answered %s; retrying", method, path,
                         response.status_code)
                self._pause(attempt)
                attempt += 1
                continue
            return response

    def _pause(self, attempt: int) -> None:
        self._sleep(self._backoff * (2 ** attempt))

    def _raise_for(self, response: httpx.Response, what: str) -> None:
        if response.status_code < 400:
            return
        code = {401: "primero_unauthorized", 403: "primero_forbidden", 404: "primero_not_found",
                409: "primero_conflict", 422: "primero_invalid"}.get(response.status_code,
                                                                     "primero_error")
        raise PrimeroError(code, "Primero refused {what} (HTTP {http}): {detail}",
                           http_status=response.status_code, what=what,
                           http=response.status_code, detail=_errors_text(response))

    # ----- tokens (doc/api/tokens/post.md)
    def sign_in(self) -> None:
        response = self._send("POST", "/api/v2/tokens", json={
            "user": {"user_name": self._user_name, "password": self._password}})
        self._raise_for(response, "the sign-in")
        self._take_token(response)
        self.sign_ins += 1

    def refresh(self) -> None:
        response = self._send("POST", "/api/v2/tokens",
                              headers={"Authorization": f"Bearer {self._token}"})
        if response.status_code == 401:
            self.sign_in()
            return
        self._raise_for(response, "the token refresh")
        self._take_token(response)
        self.refreshes += 1

    def _take_token(self, response: httpx.Response) -> None:
        header = response.headers.get("authorization", "")
        if not header.startswith("Bearer ") or len(header) <= len("Bearer "):
            raise PrimeroError("primero_no_token",
                               "Primero's sign-in answer has no Authorization Bearer header")
        self._token = header[len("Bearer "):]
        self._token_at = self._clock()

    def _ensure_token(self) -> None:
        if self._token is None:
            self.sign_in()
        elif self._clock() - self._token_at >= REFRESH_AFTER:
            self.refresh()

    def _call(self, method: str, path: str, *, json: Any = None,
              params: dict[str, Any] | None = None) -> httpx.Response:
        """An authenticated call; on 401 sign in again once and repeat."""
        self._ensure_token()
        response = self._send(method, path, json=json, params=params,
                              headers={"Authorization": f"Bearer {self._token}"})
        if response.status_code == 401:
            self.sign_in()
            response = self._send(method, path, json=json, params=params,
                                  headers={"Authorization": f"Bearer {self._token}"})
        return response

    def _json(self, response: httpx.Response, what: str) -> dict[str, Any]:
        self._raise_for(response, what)
        try:
            body = response.json()
        except ValueError:
            raise PrimeroError("primero_bad_answer", "Primero's answer to {what} is not JSON",
                               what=what) from None
        if not isinstance(body, dict):
            raise PrimeroError("primero_bad_answer", "Primero's answer to {what} is not an "
                               "object", what=what)
        return body

    # ----- cases
    def create_case(self, case_id: str, data: dict[str, Any]) -> int:
        """POST with our UUID as ``data.id``; returns 204, or 409 when the id exists."""
        response = self._call("POST", "/api/v2/cases", json={"data": {"id": case_id, **data}})
        if response.status_code in (204, 409):
            return response.status_code
        self._raise_for(response, "the new case")
        return response.status_code

    def patch_case(self, case_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        response = self._call("PATCH", f"/api/v2/cases/{case_id}", json={"data": fields})
        return self._json(response, "the case update")

    def get_case(self, case_id: str) -> dict[str, Any]:
        body = self._json(self._call("GET", f"/api/v2/cases/{case_id}"), "the case read")
        data = body.get("data")
        return data if isinstance(data, dict) else {}

    def push_case(self, case_id: str, data: dict[str, Any],
                  last_sent: dict[str, Any] | None) -> PushResult:
        """Create the case keyed on our UUID; on 409 PATCH only the changed fields.

        The changed fields are those differing from ``last_sent`` (the snapshot we last sent
        this destination); without a snapshot, from the case as Primero holds it now.
        """
        status = self.create_case(case_id, data)
        if status == 204:
            return PushResult("created", 204, sorted(data))
        base = last_sent if last_sent is not None else self.get_case(case_id)
        fields = changed_fields(data, base)
        if not fields:
            return PushResult("unchanged", 409)
        self.patch_case(case_id, fields)
        return PushResult("patched", 200, sorted(fields))

    def mark_synced(self, case_id: str, *, synced: bool, url: str | None = None,
                    status: str | None = None) -> None:
        """Primero's sync marks (app/models/concerns/webhookable.rb) in a PATCH."""
        fields: dict[str, Any] = {"mark_synced": synced}
        if url:
            fields["mark_synced_url"] = url
        if status:
            fields["mark_synced_status"] = status
        self.patch_case(case_id, fields)

    def iter_pages(self, path: str, params: dict[str, Any] | None = None,
                   per: int = MAX_PER, what: str = "the list") -> Iterator[dict[str, Any]]:
        """Every row of a paged list, page by page, stopping on ``metadata.total``."""
        per = max(1, min(per, MAX_PER))
        page = 1
        seen = 0
        while True:
            body = self._json(self._call("GET", path, params={**(params or {}), "page": page,
                                                              "per": per}), what)
            rows = body.get("data") or []
            total = (body.get("metadata") or {}).get("total")
            yield from rows
            seen += len(rows)
            if not rows or not isinstance(total, int) or seen >= total:
                return
            page += 1

    def changed_cases(self, since: datetime, until: datetime,
                      per: int = MAX_PER) -> Iterator[dict[str, Any]]:
        """Cases whose ``last_updated_at`` lies in [since, until]."""
        window = f"{since.isoformat()}..{until.isoformat()}"
        return self.iter_pages("/api/v2/cases", {"last_updated_at": window}, per,
                               "the case list")

    # ----- referrals, lookups, locations
    def refer(self, case_id: str, transitioned_to: str, notes: str | None) -> dict[str, Any]:
        payload: dict[str, Any] = {"transitioned_to": transitioned_to}
        if notes:
            payload["notes"] = notes
        body = self._json(self._call("POST", f"/api/v2/cases/{case_id}/referrals",
                                     json={"data": payload}), "the referral")
        data = body.get("data")
        return data if isinstance(data, dict) else {}

    def lookups(self) -> list[dict[str, Any]]:
        return list(self.iter_pages("/api/v2/lookups", what="the lookups"))

    def locations(self) -> list[dict[str, Any]]:
        return list(self.iter_pages("/api/v2/locations", what="the locations"))

    def close(self) -> None:
        self._http.close()
