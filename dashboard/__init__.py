"""crisismap Streamlit dashboard."""
