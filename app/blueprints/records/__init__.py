"""Employee records: hr editing, manager ratings, self-service, uploads, CSV import/export."""
