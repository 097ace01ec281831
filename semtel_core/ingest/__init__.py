"""Reading conversations: streaming readers, row validation with rejects, reconciliation."""
