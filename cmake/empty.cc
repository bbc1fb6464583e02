// Intentionally empty: the object of a library whose folder has no sources yet.
