"""Background jobs: progress, download, and the admins list of every job."""
