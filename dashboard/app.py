"""The crisismap dashboard: a router over the pages (``streamlit run dashboard/app.py``).

Settings come from the environment (``CRISISMAP_*``, set by ``crisismap dashboard``) and config
files, built once per run and passed to each page. The app reads only the store (and writes
triage status to it). Page modules live in ``dashboard/views/``: a ``pages/`` folder beside this
script would be served by Streamlit as legacy pages, so a link to ``/incidents`` opened an empty page.
"""

from __future__ import annotations

import streamlit as st

from dashboard.views import incidents, live_map
from geo.errors import CrisismapError
from geo.settings import Settings


def main() -> None:
    st.set_page_config(page_title="crisismap", page_icon="\U0001F300", layout="wide")
    try:
        settings = Settings.load()
    except CrisismapError as exc:
        st.error(f"Settings: {exc}")
        st.stop()
    pages = [
        st.Page(lambda: live_map.page(settings), title="Live map", url_path="live", default=True),
        st.Page(lambda: incidents.page(settings), title="Incidents", url_path="incidents"),
    ]
    st.navigation(pages).run()


if __name__ == "__main__":
    main()
