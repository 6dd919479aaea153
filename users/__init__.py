"""The custom User: an organization member with a Twilio phone number."""
