"""The JSON API: event intake and reads of leads, events and decisions."""
