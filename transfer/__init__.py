"""Import and export of a whole plan as Excel and CSV files."""
