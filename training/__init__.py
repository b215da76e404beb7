"""Training code for LeadRelay's local models (not shipped in the wheel)."""
