"""Local stand-ins for the outside services (CRMs, Slack, SMTP), for `leadrelay demo` and the tests."""
