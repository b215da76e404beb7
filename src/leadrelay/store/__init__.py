"""Storage: tables, the database engine and migrations, and repository functions."""
