"""Views of the indicators app, by who uses them (see the modules)."""
