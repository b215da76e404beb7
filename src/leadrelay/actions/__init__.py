"""What happens after a decision: owners, the outbox of actions, SLA timers, touches (issue 4)."""
