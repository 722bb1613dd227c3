"""The only part of the package that imports Streamlit: caching, shared widgets and page chrome."""
