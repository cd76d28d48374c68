"""The incidents page: triage of the active incidents the zoning found.

A table of active incidents, most pressing first (severity of the reports zone drawn around each,
then urgency, the severity of the alert or wind area it lies in, reports and recency); pick one to read its evidence reports and history and to set its triage
status, which is written to the store (``Store.set_incident_status``) with a history line. Filters
and the picked incident are mirrored in ``st.query_params`` so a view can be shared as a link.
Everything shown that a member of the public wrote goes through ``st.dataframe`` or ``st.text``
(rendered as text, never HTML).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import data, mapview
from geo.errors import CrisismapError
from geo.model import INCIDENT_STATUSES
from geo.settings import Settings

#: Statuses an operator still has to act on: the default filter.
OPEN_STATUSES: tuple[str, ...] = ("new", "acknowledged", "assigned")
TABLE_COLUMNS = [
    "incident_id", "status", "severity", "trend", "urgency", "area_severity", "reports", "reporters", "echoes", "people",
    "needs", "category", "districts", "first_seen", "last_seen",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class TriageFilters:
    """Which incidents the table lists; all of it is in the page URL."""

    statuses: tuple[str, ...]
    min_reports: int


def page(settings: Settings) -> None:
    """Render the triage page for ``settings`` (store URL)."""
    st.markdown("#### Incidents: triage")
    filters = _sidebar_filters()
    url = settings.store_url
    try:
        incidents = data.load_incidents(url)
    except CrisismapError as exc:
        st.error(str(exc))
        return
    if incidents.empty:
        st.info("No incidents yet: the zoning (`crisismap zones`) groups located reports into incidents. "
                "Reload this page once it has run.")  # fmt: skip
        return
    names = data.district_names()
    shown = data.triage_order(_filtered(incidents, filters))
    st.caption(f"{len(shown):,} of {len(incidents):,} active incidents match the filters, most pressing first.")
    st.dataframe(_table(shown, names), hide_index=True, width="stretch", key="incident_table")
    if shown.empty:
        return
    incident_id = _picker(shown)
    row = shown.set_index("incident_id").loc[incident_id]
    _status_form(url, incident_id, str(row["status"]))
    _details(url, incident_id)


def _sidebar_filters() -> TriageFilters:
    params = st.query_params
    if "triage_status" not in st.session_state:
        wanted = [s for s in params.get_all("status") if s in INCIDENT_STATUSES]
        st.session_state["triage_status"] = wanted or list(OPEN_STATUSES)
    if "min_reports" not in st.session_state:
        wanted_min = params.get("min_reports", "1")
        st.session_state["min_reports"] = int(wanted_min) if wanted_min.isdigit() else 1
    with st.sidebar:
        st.header("Filters")
        statuses = st.multiselect("Status", INCIDENT_STATUSES, key="triage_status", placeholder="every status")
        min_reports = st.number_input("At least this many reports", min_value=0, step=1, key="min_reports")
    params["status"] = list(statuses)
    params["min_reports"] = str(int(min_reports))
    return TriageFilters(statuses=tuple(statuses), min_reports=int(min_reports))


def _filtered(incidents: pd.DataFrame, filters: TriageFilters) -> pd.DataFrame:
    keep = incidents["reports"] >= filters.min_reports
    if filters.statuses:
        keep &= incidents["status"].isin(filters.statuses)
    return incidents[keep]


def _table(incidents: pd.DataFrame, names: dict[int, str]) -> pd.DataFrame:
    """The triage table: plain text and numbers only."""
    out = pd.DataFrame(incidents).reindex(columns=TABLE_COLUMNS).copy()
    out["severity"] = out["severity"].round(0)
    out["area_severity"] = out["area_severity"].round(0)
    out["needs"] = [mapview.needs_text(n) for n in out["needs"]]
    out["districts"] = [mapview.district_list(d, names, limit=3) for d in out["districts"]]
    return out


def _picker(shown: pd.DataFrame) -> str:
    """The incident to look at: from the URL, else the most pressing one; mirrored in the URL."""
    options = list(shown["incident_id"])
    summaries = {r["incident_id"]: mapview.incident_summary(r) for r in shown.to_dict("records")}
    wanted = st.query_params.get("incident")
    if st.session_state.get("incident") not in options:
        st.session_state["incident"] = wanted if wanted in options else options[0]
    incident_id = st.selectbox(
        "Incident", options, key="incident", format_func=lambda i: f"{i} \u00b7 {summaries.get(i, '')}"
    )
    st.query_params["incident"] = incident_id
    return str(incident_id)


def _status_form(store_url: str, incident_id: str, current: str) -> None:
    left, middle, right = st.columns([2, 4, 1], vertical_alignment="bottom")
    status = left.selectbox(
        "Set status", INCIDENT_STATUSES, index=INCIDENT_STATUSES.index(current) if current in INCIDENT_STATUSES else 0,
        key=f"status_{incident_id}",
    )  # fmt: skip
    note = middle.text_input("Note (who, what)", key=f"note_{incident_id}", max_chars=200)
    if right.button("Save", key=f"save_{incident_id}", type="primary"):
        try:
            data.set_status(store_url, incident_id, str(status), note=note)
        except CrisismapError as exc:
            st.error(str(exc))
            return
        st.session_state["triage_saved"] = f"{incident_id}: status set to {status}"
        st.rerun()
    saved = st.session_state.pop("triage_saved", None)
    if saved:
        st.success(saved)


def _details(store_url: str, incident_id: str) -> None:
    evidence = data.load_evidence(store_url, incident_id)
    history = data.load_history(store_url, incident_id)
    tab_evidence, tab_history = st.tabs([f"Evidence reports ({len(evidence)})", f"History ({len(history)})"])
    with tab_evidence:
        if evidence.empty:
            st.text("No evidence report of this incident is stored around its footprint.")
        else:
            shown = pd.DataFrame({
                "event_time": evidence["event_time"],
                "flags": [", ".join(label for _, label in mapview.report_flags(e)) for e in evidence["extra"]],
                "text": evidence["text"],
                "author": evidence["author"],
                "source": evidence["source"],
                "place": evidence["place"],
                "urgency": evidence["urgency"],
                "people": evidence["people"],
                "report_id": evidence["report_id"],
            })  # fmt: skip
            st.dataframe(shown, hide_index=True, width="stretch", key="evidence_table")
    with tab_history:
        shown_history = history.assign(other_ids=[", ".join(map(str, v)) for v in history["other_ids"]])
        st.dataframe(shown_history.drop(columns=["incident_id"]), hide_index=True, width="stretch", key="history_table")
