"""A host project of its own, as a larger Django project would be: settings and root URLs."""
