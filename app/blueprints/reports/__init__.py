"""Reports: readiness, team bench strength, compliance and tuition as HTML, PDF and CSV."""
