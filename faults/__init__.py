"""The fault drill: two app servers, one PostgreSQL, one Redis, faults under load."""
