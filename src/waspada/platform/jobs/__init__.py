"""Background jobs: a ``jobs`` table, a worker that claims jobs atomically, progress,
cancellation, heartbeats and recovery, kept results (paged rows) with a retention period.

Works the same on SQLite and PostgreSQL (docs/jobs.md). ``store`` holds the tables,
``kinds`` the registry of job kinds (capabilities declare theirs), ``service`` the audited
operations (submit, read, cancel, download, purge), ``worker`` the worker threads.
"""
