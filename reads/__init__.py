"""What the operations center reads, folded from the store's protocol for people.

Each module answers one question the API serves, in plain Python over
`adapters.store.EventStore`: where every asset stands now (`assets`), where
each command stands (`commands`), a live run's KPIs (`kpis`), and where a
lot has been (`trace`). The store keeps no machine health, so a machine's
health over time is its stored readings replayed through its agent
(`machine_health`). Nothing here speaks HTTP or SQL: the API routes
requests to these functions and publishes their `...Public` models as they
are; the store answers their reads from its log and read models.
"""
