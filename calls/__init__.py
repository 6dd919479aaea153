"""The voice-token API: mints Twilio Voice access tokens for authenticated callers."""
