// Audit: canonical events, hash chain, checkpoints, export.
