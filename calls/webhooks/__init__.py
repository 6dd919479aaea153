"""Twilio's voice webhooks: the TwiML that places a softphone's calls and rings it."""
