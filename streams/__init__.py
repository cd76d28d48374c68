"""crisismap Kafka edge: topics, envelope, adapters, ingest worker, replay, broker."""
