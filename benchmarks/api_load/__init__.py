"""The operations-center API under concurrent clients, with the whole live system running.

Run as `python -m benchmarks.api_load [--clients 50] [--seconds 30]
[--db sqlite|postgresql] [--warmup-seconds 10] [--json]` from the
repository. It starts a private Mosquitto, `supplysync run`, `supplysync
serve` and `supplysync devices` (`system.py`), waits until the store holds
a plan and readings, lets the system run `--warmup-seconds` more, and then
runs the clients (`load.py`) for `--seconds`: most poll the page's GET
routes, a few (`--streams`, default one in ten, at most 5) hold the live
stream open. It prints a row per route (requests, requests/s, p50, p99,
max in ms, mean body bytes, errors by status) and a total, the stream's
figures, what the store held before and after, the CPU each process used,
and how far the total is from the target of 300 requests/s with a p99
under 250 ms (`report.py`). Everything it started is stopped on the
way out, on Ctrl-C and SIGTERM too.

`--json` prints the same as one object with the keys `settings`,
`seconds`, `routes` (rows of `route`, `requests`, `requests_per_s`,
`p50_ms`, `p99_ms`, `max_ms`, `mean_bytes`, `errors`), `total` (a row),
`stream`, `store` (`start`, `end`), `cpu_seconds` and `target`.

Exit codes: 0 measured, 1 the system did not come up or a part of it
stopped, 2 bad arguments, 130 interrupted.
"""
