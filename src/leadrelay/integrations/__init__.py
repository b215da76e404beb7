"""Outside services LeadRelay acts through: CRMs (built-in, HubSpot, Salesforce), Slack and email."""
