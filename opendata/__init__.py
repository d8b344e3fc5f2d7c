"""Open data: indicator values and comparison values from open-data sources (Kolada, SSB),
synced into indicators. One module per source in `opendata.sources`, registered with
`indicators.links` at start-up; `opendata.client` is their shared HTTP client."""
