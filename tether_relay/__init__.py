"""The Tether Relay host project: settings, root URLs and WSGI entry point."""
