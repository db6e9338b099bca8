"""The network as JSON: public aggregates, officers' measures, exports, measuring."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import HttpError

from kakehashi.core.api import ApiRouter, file_responses
from kakehashi.core.permissions import api_permission
from kakehashi.network.selectors import (
    SUMMARY_FIELDS,
    public_summary,
    snapshot_latest,
)
from kakehashi.network.services import network_measure_start
from kakehashi.network.views import export_response
from kakehashi.recommendations.api import JobOut

router = ApiRouter()


class YearOut(Schema):
    year: int
    ties_new: int = Field(
        description="Ties created this year: the first time anything linked the two organisations."
    )
    ties_new_cross_border: int
    ties_new_cross_sector: int
    ties_new_lasting: int = Field(
        description="Of the new ties, those with another activity in a later year."
    )
    ties_total: int
    ties_total_cross_border: int
    conduits: int = Field(description="People of internships that created a tie this year.")


class NetworkFlowOut(Schema):
    from_region: str = Field(alias="from")
    to_region: str = Field(alias="to")
    internships: int


class BrokerOut(Schema):
    organisation: str
    betweenness: float


class SummaryOut(Schema):
    computed_at: dt.datetime
    organisations: int
    ties: int
    conduits: int
    communities: int
    years: list[YearOut]
    flows: list[NetworkFlowOut]
    brokers: list[BrokerOut]


class MeasuresOut(Schema):
    computed_at: dt.datetime
    engine_version: str
    history_hash: str
    result: dict[str, Any] = Field(
        description="The network engine's whole result (docs/network.md)."
    )
    names: dict[str, Any] = Field(
        description="Organisations' names and attributes by the result's ids."
    )


def _latest(*fields):
    snapshot = snapshot_latest(*fields)
    if snapshot is None:
        raise HttpError(404, _("The network has not been measured yet."))
    return snapshot


@router.public_get(
    "/network/summary",
    response=SummaryOut,
    summary="The network in aggregate: ties per year, flows, brokers (anyone; no person)",
)
@api_permission("network.view_public_network")
def network_summary(request: HttpRequest):
    return public_summary(_latest(*SUMMARY_FIELDS))


@router.get(
    "/network/measures",
    response=MeasuresOut,
    summary="Every measure of the latest snapshot, conduits included (officers)",
)
@api_permission("network.view_network")
def network_measures(request: HttpRequest):
    s = _latest()
    return {
        "computed_at": s.created_at,
        "engine_version": s.engine_version,
        "history_hash": s.history_hash,
        "result": {**s.result, "organisations": s.measures, "conduits": s.conduits, "ties": s.ties},
        "names": s.names,
    }


@router.post(
    "/network/measure",
    response=JobOut,
    summary="Measure the whole history again, in the background (officers; audited)",
)
@api_permission("network.measure_network")
def network_measure_endpoint(request: HttpRequest):
    return network_measure_start(user=request.user)


@router.get(
    "/network/export",
    response=None,
    summary="The tie graph now, as GEXF, GraphML or a CSV edge list (officers)",
    openapi_extra=file_responses(
        "The file, as an attachment.",
        {
            "application/gexf+xml": {"schema": {"type": "string"}},
            "application/graphml+xml": {"schema": {"type": "string"}},
        },
    ),
)
@api_permission("network.view_network")
def network_export_endpoint(
    request: HttpRequest, format: Literal["gexf", "graphml", "csv"] = "gexf"
):
    return export_response(format)
