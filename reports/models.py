"""Reports are assembled from planning, goals and indicators; they own no tables yet."""
