"""Performance at organisation scale: a synthetic organisation generator and the benchmark.

`bench.generate` builds deterministic organisations (also `flask --app app bench-data`);
`bench.run` (`make bench`) measures them on SQLite and PostgreSQL and writes BENCHMARKS.md.
Timings live here, never in pass/fail tests (DESIGN.md principle 10).
"""
