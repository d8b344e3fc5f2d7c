"""The follow-up pages: the unit managers' reporting, the committee overview, the start page and
the reports."""
