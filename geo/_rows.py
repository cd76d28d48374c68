"""Rows of the store tables, shared by the SQLite and PostGIS backends (same columns, same order)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from shapely.geometry import mapping

from geo.alerts import alert_expires, alert_geometry, reference_ids
from geo.model import Alert, Report

REPORT_COLUMNS = (
    "report_id source source_id feed format text event_time author language reply_to topic partition "
    '"offset" received_at status lat lon radius_m place kind state district state_lgd district_lgd '
    "loc_method confidence locations category needs urgency people extra"
).split()

ALERT_COLUMNS = (
    "alert_id identifier sender sent status msg_type scope source format event severity urgency certainty "
    'headline description instruction area_desc geocodes expires refs info geometry topic partition "offset" '
    "received_at"
).split()


def iso(value: datetime | None) -> str | None:
    """UTC ISO-8601, so stored times compare correctly as text (naive times are taken as UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def report_row(r: Report) -> tuple[Any, ...]:
    loc, prov = r.location, r.provenance
    return (
        r.report_id, r.source, r.source_id, r.feed, r.format, r.text, iso(r.event_time), r.author,
        r.language, r.reply_to,
        prov.topic if prov else None, prov.partition if prov else None, prov.offset if prov else None,
        iso(prov.received_at) if prov else None,
        r.status,
        loc.lat if loc else None, loc.lon if loc else None, loc.radius_m if loc else None,
        loc.name if loc else None, loc.kind if loc else None, loc.state if loc else None,
        loc.district if loc else None, loc.state_lgd if loc else None, loc.district_lgd if loc else None,
        loc.method if loc else None, loc.confidence if loc else None,
        json.dumps([x.to_json() for x in r.locations], ensure_ascii=False),
        r.category, json.dumps(list(r.needs)), r.urgency, r.people,
        json.dumps(r.extra, ensure_ascii=False, default=str),
    )  # fmt: skip


def alert_row(a: Alert) -> tuple[Any, ...]:
    first = a.info[0] if a.info else None
    geom = alert_geometry(a)
    areas = [area for info in a.info[:1] for area in info.areas]
    info = [
        {
            "language": i.language, "event": i.event, "urgency": i.urgency, "severity": i.severity,
            "certainty": i.certainty, "headline": i.headline, "description": i.description,
            "instruction": i.instruction, "sender_name": i.sender_name, "expires": iso(i.expires),
            "areas": [{"description": ar.description, "geocodes": list(ar.geocodes), "uri": ar.uri} for ar in i.areas],
        }
        for i in a.info
    ]  # fmt: skip
    prov = a.provenance
    return (
        a.alert_id, a.identifier, a.sender, iso(a.sent), a.status, a.msg_type, a.scope, a.source, a.format,
        first.event if first else None, first.severity if first else None, first.urgency if first else None,
        first.certainty if first else None, first.headline if first else None,
        first.description if first else None, first.instruction if first else None,
        "; ".join(ar.description for ar in areas),
        json.dumps([list(g) for ar in areas for g in ar.geocodes], ensure_ascii=False),
        iso(alert_expires(a)), json.dumps(list(reference_ids(a))), json.dumps(info, ensure_ascii=False),
        json.dumps(mapping(geom)) if geom is not None else None,
        prov.topic if prov else None, prov.partition if prov else None, prov.offset if prov else None,
        iso(prov.received_at) if prov else None,
    )  # fmt: skip


def decode_reports(df: pd.DataFrame) -> pd.DataFrame:
    """Typed columns of a reports query (times as UTC timestamps, needs as lists)."""
    for col in ("event_time", "received_at"):
        df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601")
    df["needs"] = df["needs"].map(json.loads)
    return df


def decode_alerts(df: pd.DataFrame) -> pd.DataFrame:
    for col in ("sent", "expires", "received_at", "replaced_at"):
        df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601")
    return df


def reference_updates(alerts: Any) -> tuple[list[tuple[str, str, str | None, str | None, str]], list[str]]:
    """What Updates and Cancels do to the alerts they reference.

    Returns ``(state, replaced_by, replaced_at, replaced_at, alert_id)`` rows (for :data:`REPLACE_SQL`)
    for the referenced alerts (an Update marks them
    ``updated``, a Cancel ``cancelled``) and the ids of the Cancel messages themselves (state
    ``cancel``: they carry no live area).
    """
    changes: list[tuple[str, str, str | None, str | None, str]] = []
    cancels: list[str] = []
    for a in alerts:
        if a.msg_type not in ("Update", "Cancel"):
            continue
        new_state = "updated" if a.msg_type == "Update" else "cancelled"
        if a.msg_type == "Cancel":
            cancels.append(a.alert_id)
        changes += [(new_state, a.alert_id, iso(a.sent), iso(a.sent), ref) for ref in reference_ids(a)]
    return changes, cancels


#: An alert is in force at time t when it was sent by t, has not expired, is no Cancel, and was not
#: yet replaced (``replaced_at`` is the ``sent`` of the Update/Cancel that replaced it). Keeping
#: ``replaced_at`` lets the map show any past moment as it stood then.
LIVE_AT_SQL = (
    "msg_type <> 'Cancel' AND sent <= {p} AND (expires IS NULL OR expires > {p}) "
    "AND (replaced_at IS NULL OR replaced_at > {p})"
)

#: Mark an alert replaced; ``replaced_at`` keeps the earliest replacement (an Update, then a Cancel).
REPLACE_SQL = (
    "UPDATE alerts SET state = {p}, replaced_by = {p}, "
    "replaced_at = CASE WHEN replaced_at IS NULL OR replaced_at > {p} THEN {p} ELSE replaced_at END "
    "WHERE alert_id = {p}"
)


def late_original_change(alert_id: str, later: list[tuple[str, str, str]]) -> tuple[str, str, str, str, str] | None:
    """For an original that arrives after alerts referencing it (``later``: (id, msg_type, sent) in
    sent order): the REPLACE_SQL row that makes it born superseded, or None."""
    if not later:
        return None
    last_id, last_type, _ = later[-1]
    first_sent = later[0][2]
    return ("cancelled" if last_type == "Cancel" else "updated", last_id, first_sent, first_sent, alert_id)
