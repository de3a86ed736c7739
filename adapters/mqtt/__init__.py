"""MQTT edge of live mode: the topic scheme, payload codecs, ingest and command dispatch."""
