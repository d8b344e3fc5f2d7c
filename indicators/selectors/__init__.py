"""Reads of the indicators app, by page (see the modules)."""
