"""A member's own calls over the API: GET /api/calls/history and each call's voicemail."""
