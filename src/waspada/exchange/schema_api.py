"""``GET /api/v1/exchange/schema``: the JSON Schema of HTCDS 2.0 records with Waspada's
extension (public: a schema holds no case data; partners and other tools fetch it)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from waspada.exchange import schema
from waspada.platform.deps import public

api_router = APIRouter(prefix="/api/v1/exchange", tags=["exchange"])


class JsonSchemaOut(BaseModel):
    """A JSON Schema document (draft 2020-12); its keywords beyond these pass through."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    schema_dialect: str = Field(alias="$schema", examples=[schema.DIALECT])
    schema_id: str = Field(alias="$id", examples=[schema.SCHEMA_ID])
    title: str
    defs: dict[str, Any] = Field(alias="$defs")


@api_router.get("/schema", response_model=JsonSchemaOut, response_model_by_alias=True,
                dependencies=[Depends(public)])
def htcds_schema(part: str = "document") -> dict[str, Any]:
    """The JSON Schema of an HTCDS export document (``?part=record``: of one case record)."""
    return schema.record_schema() if part == "record" else schema.document_schema()
