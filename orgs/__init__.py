"""Organizations and their Twilio credentials."""
