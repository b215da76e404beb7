"""LeadRelay: inbound lead intake, qualification and routing."""

__version__ = "0.1.0"
