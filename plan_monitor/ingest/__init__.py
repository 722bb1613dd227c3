"""Analyst uploads: read a roster file as an analyst saved it, validate it, preview it against the store."""
