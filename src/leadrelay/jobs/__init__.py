"""Background jobs: the queue (Huey), the qualification task and the sweeper."""
