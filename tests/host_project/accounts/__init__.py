"""The second host's own users: a user model without a phone number, and its resolver."""
