"""A strict contract double of Primero's API v2, for testing the Waspada connector.

No Primero server runs here. This app is written ONLY from Primero's documented requests and
responses (primeroIMS/primero, read at /work/.mirror/primeroIMS+primero/repo), and where the
documentation is silent, from the Rails code that produces the response. Each route cites its
source. It is deliberately strict: it refuses what real Primero refuses (401 without or with an
expired token, 422 for a non-UUID client id or an invalid value, 409 for an existing id, 404 for
an unknown case, ``per`` above 1000, a referral to a user who cannot receive referrals) and, in
addition, it refuses anything the documentation does not show (a wrong content type, unknown
top-level keys) so the connector cannot drift from the documented shapes.

Limits (what it does NOT model): Primero's permitted-field filtering per role, subforms and
their ``_delete`` merge, the ``query=`` full-text search, attachments, audit logs, field
validation beyond the lookups named in :data:`SELECT_FIELDS` and ``registration_date``.

Sources:
- tokens: doc/api/tokens/post.md (token in the ``Authorization`` RESPONSE header, 60 minutes;
  a valid token in the request header refreshes it; 401 ``{"error": ...}``)
- cases list: doc/api/cases/get.md (``page``, ``per`` ≤ 1000, ``metadata.total/per/page``);
  ranges ``field=FROM..TO``: app/services/destringify_service.rb (split on ``..``, ISO 8601
  dates/times) and app/models/search_filters/date_range.rb
- case create: doc/api/cases/post.md (``data.id`` optional UUID → 204; 409 when it exists)
- case show: doc/api/cases/id/get.md; case update: doc/api/cases/id/patch.md (merge, 200 with
  the changed fields, 404, 422 ``errors[].message/detail``)
- sync marks: app/models/concerns/webhookable.rb (``mark_synced``, ``mark_synced_url``,
  ``mark_synced_status`` are accepted in a PATCH and removed from the record data)
- referrals: doc/api/referrals/id/post.md; a user who cannot receive referrals is refused by
  app/models/transition.rb (``validate :user_can_receive`` → 422 on ``transitioned_to``)
- lookups: doc/api/lookups/get.md; locations: doc/api/locations/get.md
- errors: doc/api.md / each page's ``{"errors": [{"code", "resource", "message", "detail"?}]}``
- webhooks: app/services/api_connector/webhook_connector.rb (POST ``{"data": {"record_id",
  "record_type", "hostname", ...permitted fields}}``) authenticated by the ``x-api-key`` header
  (app/services/api_connector/connection.rb, line ``headers['x-api-key'] = options['api_key']``)
  as ``Content-Type: application/json`` (app/services/api_connector/abstract_connector.rb)
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.testclient import TestClient

TOKEN_LIFETIME = 60 * 60  # doc/api/tokens/post.md: "set to expire in 60 minutes"
MAX_PER = 1000            # doc/api/cases/get.md: "Maximum is 1000"
# fields whose values must be lookup ids (the double's configuration, like a Primero form)
SELECT_FIELDS = {"sex": "lookup-gender", "nationality": "lookup-nationality"}
MULTI_SELECT = {"nationality"}  # a multi-select holds a list of lookup ids
LOCATION_FIELDS = ("location_current",)
SYNC_MARKS = ("mark_synced", "mark_synced_url", "mark_synced_status")  # webhookable.rb

DEFAULT_LOOKUPS: list[dict[str, Any]] = [
    {"id": 1, "unique_id": "lookup-gender", "name": {"en": "Sex"},
     "values": [{"id": "female", "display_text": {"en": "Female"}},
                {"id": "male", "display_text": {"en": "Male"}}]},
    {"id": 2, "unique_id": "lookup-nationality", "name": {"en": "Nationality"},
     "values": [{"id": "nationality_kh", "display_text": {"en": "Cambodian"}},
                {"id": "nationality_id", "display_text": {"en": "Indonesian"}}]},
]
DEFAULT_LOCATIONS: list[dict[str, Any]] = [
    {"id": 1, "code": "KH", "type": "country", "admin_level": 0,
     "name": {"en": "Cambodia"}, "placename": {"en": "Cambodia"}, "hierarchy": []},
    {"id": 2, "code": "KH12", "type": "province", "admin_level": 1,
     "name": {"en": "Cambodia::Phnom Penh"}, "placename": {"en": "Phnom Penh"},
     "hierarchy": ["KH"]},
    {"id": 3, "code": "KH18", "type": "province", "admin_level": 1,
     "name": {"en": "Cambodia::Preah Sihanouk"}, "placename": {"en": "Preah Sihanouk"},
     "hierarchy": ["KH"]},
]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _errors(status: int, resource: str, message: str, detail: str | None = None) -> JSONResponse:
    error: dict[str, Any] = {"code": status, "resource": resource, "message": message}
    if detail is not None:
        error["detail"] = detail
    return JSONResponse({"errors": [error]}, status_code=status)


def _parse_time(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class PrimeroDouble:
    """State of the double plus the ASGI app (``.app``); the clock is settable by tests."""

    def __init__(self, users: dict[str, str] | None = None,
                 can_receive_referrals: tuple[str, ...] = ("cp_officer",)) -> None:
        self.users = users or {"waspada": "s3cret-pass"}
        self.can_receive = set(can_receive_referrals)
        self.now = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
        self.tokens: dict[str, datetime] = {}
        self.cases: dict[str, dict[str, Any]] = {}
        self.referrals: list[dict[str, Any]] = []
        self.sync_marks: list[dict[str, Any]] = []
        self.lookups = [dict(x) for x in DEFAULT_LOOKUPS]
        self.locations = [dict(x) for x in DEFAULT_LOCATIONS]
        self.requests: list[tuple[str, str, Any]] = []  # (method, path+query, json body)
        self.fail_next: list[int] = []                  # statuses to answer before the real one
        self.app = self._build()

    # ----- helpers used by tests
    def advance(self, seconds: float) -> None:
        self.now = self.now + timedelta(seconds=seconds)

    def seed_case(self, **data: Any) -> dict[str, Any]:
        case_id = str(data.pop("id", uuid.uuid4()))
        record = {"id": case_id, "created_at": self.now.isoformat(),
                  "last_updated_at": self.now.isoformat(), **data}
        self.cases[case_id] = record
        return record

    def http(self) -> TestClient:
        """A synchronous httpx client that talks to this app in-process."""
        return TestClient(self.app, base_url="https://primero.test")

    def post_webhook(self, client: httpx.Client, url: str, api_key: str, case_id: str,
                     **fields: Any) -> httpx.Response:
        """Post a case-change webhook as webhook_connector.rb#post_params shapes it."""
        data = {"record_id": case_id, "record_type": "case", "hostname": "primero.test",
                **fields}
        return client.post(url, json={"data": data}, headers={"x-api-key": api_key})

    # ----- the app
    def _auth(self, request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            return None
        token = header[len("Bearer "):]
        issued = self.tokens.get(token)
        if issued is None or (self.now - issued).total_seconds() >= TOKEN_LIFETIME:
            return None
        return token

    async def _body(self, request: Request, allowed: set[str]) -> dict[str, Any] | Response:
        ctype = request.headers.get("content-type", "").split(";")[0].strip()
        if ctype != "application/json":
            return _errors(415, request.url.path, "Unsupported Media Type")
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _errors(422, request.url.path, "Malformed JSON")
        if not isinstance(body, dict) or set(body) - allowed:
            return _errors(422, request.url.path, "Unknown parameters",
                           ",".join(sorted(set(body) - allowed)) if isinstance(body, dict) else None)
        return body

    def _validate(self, path: str, data: dict[str, Any]) -> JSONResponse | None:
        lookups = {lk["unique_id"]: {v["id"] for v in lk["values"]} for lk in self.lookups}
        for field, lookup in SELECT_FIELDS.items():
            if field not in data or data[field] is None:
                continue
            value = data[field]
            if field in MULTI_SELECT:
                if not isinstance(value, list) or not set(map(str, value)) <= lookups[lookup]:
                    return _errors(422, path, "is not a valid option", field)
            elif not isinstance(value, str) or value not in lookups[lookup]:
                return _errors(422, path, "is not a valid option", field)
        codes = {loc["code"] for loc in self.locations}
        for field in LOCATION_FIELDS:
            if field in data and data[field] is not None and data[field] not in codes:
                return _errors(422, path, "is not a valid location", field)
        reg = data.get("registration_date")
        if reg is not None and not (isinstance(reg, str) and _DATE.match(reg)):
            # doc/api/cases/id/patch.md, the 422 example
            return _errors(422, path, "Please enter the date in a valid format (dd-mmm-yyyy)",
                           "registration_date")
        return None

    def _build(self) -> FastAPI:  # noqa: C901 - one route table, read top to bottom
        app = FastAPI()
        double = self

        @app.middleware("http")
        async def record(request: Request, call_next: Any) -> Response:
            body = await request.body()
            try:
                parsed = json.loads(body) if body else None
            except ValueError:
                parsed = None
            query = f"?{request.url.query}" if request.url.query else ""
            double.requests.append((request.method, request.url.path + query, parsed))
            if double.fail_next:
                status = double.fail_next.pop(0)
                return _errors(status, request.url.path, "Injected failure")
            return await call_next(request)

        @app.post("/api/v2/tokens")  # doc/api/tokens/post.md
        async def tokens(request: Request) -> Response:
            if double._auth(request):
                user_name = "refreshed"
            else:
                if request.headers.get("authorization"):
                    return JSONResponse({"error": "Invalid token."}, status_code=401)
                body = await double._body(request, {"user"})
                if isinstance(body, Response):
                    return body
                user = body.get("user") or {}
                if (not isinstance(user, dict) or set(user) != {"user_name", "password"}
                        or double.users.get(user["user_name"]) != user["password"]):
                    return JSONResponse({"error": "Invalid User name or password."},
                                        status_code=401)
                user_name = user["user_name"]
            token = secrets.token_urlsafe(24)
            double.tokens[token] = double.now
            return JSONResponse({"user_name": user_name},
                                headers={"Authorization": f"Bearer {token}"})

        def unauthorized(path: str) -> JSONResponse:
            return _errors(401, path, "Unauthorized")

        @app.get("/api/v2/cases")  # doc/api/cases/get.md
        async def list_cases(request: Request) -> Response:
            path = request.url.path
            if not double._auth(request):
                return unauthorized(path)
            params = dict(request.query_params)
            try:
                page = int(params.pop("page", "1"))
                per = int(params.pop("per", "20"))
            except ValueError:
                return _errors(422, path, "Invalid pagination")
            if per > MAX_PER or per < 1 or page < 1:
                return _errors(422, path, f"per must be between 1 and {MAX_PER}", "per")
            rows = sorted(double.cases.values(), key=lambda c: (c["last_updated_at"], c["id"]))
            for field, value in params.items():
                if field == "fields":
                    continue
                if ".." not in value:  # only ranges are modelled
                    return _errors(422, path, "Unsupported filter", field)
                low, high = value.split("..", 1)  # destringify_service.rb
                try:
                    lo, hi = _parse_time(low), _parse_time(high)
                except ValueError:
                    return _errors(422, path, "Invalid date range", field)
                rows = [c for c in rows if field in c and lo <= _parse_time(c[field]) <= hi]
            start = (page - 1) * per
            return JSONResponse({"data": rows[start:start + per],
                                 "metadata": {"total": len(rows), "per": per, "page": page}})

        @app.post("/api/v2/cases")  # doc/api/cases/post.md
        async def create_case(request: Request) -> Response:
            path = request.url.path
            if not double._auth(request):
                return unauthorized(path)
            body = await double._body(request, {"data"})
            if isinstance(body, Response):
                return body
            data = body.get("data")
            if not isinstance(data, dict):
                return _errors(422, path, "data is required", "data")
            if "id" in data:
                try:
                    uuid.UUID(str(data["id"]))
                except ValueError:
                    return _errors(422, path, "id must be a UUID", "id")
                if data["id"] in double.cases:
                    return _errors(409, path, "Conflict")
            invalid = double._validate(path, data)
            if invalid:
                return invalid
            client_id = "id" in data
            record = double.seed_case(**{k: v for k, v in data.items() if k not in SYNC_MARKS})
            if client_id:
                return Response(status_code=204)
            return JSONResponse({"data": record})

        @app.get("/api/v2/cases/{case_id}")  # doc/api/cases/id/get.md
        async def show_case(case_id: str, request: Request) -> Response:
            if not double._auth(request):
                return unauthorized(request.url.path)
            if case_id not in double.cases:
                return _errors(404, request.url.path, "Not Found")
            return JSONResponse({"data": double.cases[case_id]})

        @app.patch("/api/v2/cases/{case_id}")  # doc/api/cases/id/patch.md
        async def update_case(case_id: str, request: Request) -> Response:
            path = request.url.path
            if not double._auth(request):
                return unauthorized(path)
            if case_id not in double.cases:
                return _errors(404, path, "Not Found")
            body = await double._body(request, {"data"})
            if isinstance(body, Response):
                return body
            data = body.get("data")
            if not isinstance(data, dict) or "id" in data:
                return _errors(422, path, "data must be an object without id", "data")
            invalid = double._validate(path, data)
            if invalid:
                return invalid
            marks = {k: data.pop(k) for k in SYNC_MARKS if k in data}  # webhookable.rb
            if marks:
                double.sync_marks.append({"record_id": case_id, **marks})
            record = double.cases[case_id]
            changed = {k: v for k, v in data.items() if record.get(k) != v}
            record.update(data)
            if changed:
                record["last_updated_at"] = double.now.isoformat()
            return JSONResponse({"data": changed})

        @app.post("/api/v2/cases/{case_id}/referrals")  # doc/api/referrals/id/post.md
        async def refer(case_id: str, request: Request) -> Response:
            path = request.url.path
            if not double._auth(request):
                return unauthorized(path)
            if case_id not in double.cases:
                return _errors(404, path, "Not Found")
            body = await double._body(request, {"data"})
            if isinstance(body, Response):
                return body
            data = body.get("data")
            if not isinstance(data, dict) or set(data) - {"transitioned_to", "notes"}:
                return _errors(422, path, "Unknown referral parameters", "data")
            if data.get("transitioned_to") not in double.can_receive:  # transition.rb
                return _errors(422, path, "transition.errors.to_user_can_receive",
                               "transitioned_to")
            referral = {"id": str(uuid.uuid4()), "type": "Referral", "record_id": case_id,
                        "record_type": "Child", "transitioned_to": data["transitioned_to"],
                        "transitioned_by": "waspada", "notes": data.get("notes"),
                        "created_at": double.now.isoformat()}
            double.referrals.append(referral)
            return JSONResponse({"data": referral})

        @app.get("/api/v2/lookups")  # doc/api/lookups/get.md
        async def lookups(request: Request) -> Response:
            if not double._auth(request):
                return unauthorized(request.url.path)
            page, per = int(request.query_params.get("page", "1")), \
                int(request.query_params.get("per", "20"))
            if per > MAX_PER:
                return _errors(422, request.url.path, "per too large", "per")
            rows = double.lookups[(page - 1) * per:page * per]
            return JSONResponse({"data": rows, "metadata": {
                "total": len(double.lookups), "per": per, "page": page}})

        @app.get("/api/v2/locations")  # doc/api/locations/get.md
        async def locations(request: Request) -> Response:
            if not double._auth(request):
                return unauthorized(request.url.path)
            page, per = int(request.query_params.get("page", "1")), \
                int(request.query_params.get("per", "20"))
            if per > MAX_PER:
                return _errors(422, request.url.path, "per too large", "per")
            rows = double.locations[(page - 1) * per:page * per]
            return JSONResponse({"data": rows, "metadata": {
                "total": len(double.locations), "per": per, "page": page}})

        return app
