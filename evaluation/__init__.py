"""Judging decision quality: policies over scenarios and seeds, paired.

Plain Python with no Ray: one run is `runs.run_one` (research mode in this
process), `schedule` says which runs an evaluation needs and in which
order (tuning the reorder-point baseline first), `store` keeps each result
as it lands so an evaluation resumes, `stats` pairs the policies by
scenario and seed, and `summary`, `report` and `plots` write what it found.
`cluster.evaluate` runs the same schedule as Ray tasks.
"""
