"""Layer 3: reading, expanding, checking and building the YAML definitions."""
