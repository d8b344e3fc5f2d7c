"""The planning app's pages: plans, follow-up periods, and setting up an organisation (its
settings, unit tree, people and roles), with the invitation and logo pages they need."""
