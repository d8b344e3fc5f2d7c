"""The demo: Sorsele kommun's Verksamhetsplan Omsorg 2023 (seed 002), loaded by load_demo."""
