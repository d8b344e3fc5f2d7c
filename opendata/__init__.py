"""Open data: Kolada and SSB values and comparison values, synced into indicators."""
