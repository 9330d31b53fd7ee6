"""Storage: the ORM models, the database, and one query module per command family."""
