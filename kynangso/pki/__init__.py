"""A training PKI: a CA marked as training-only, PAdES signing and verification."""
