"""Management commands of the orgs app."""
