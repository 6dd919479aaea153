"""``make bench``: the token endpoint under load against two baselines, SQLite and PostgreSQL."""
