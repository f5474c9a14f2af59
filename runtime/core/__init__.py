"""The bottom layer: the error hierarchy, JSON types, bounded JSON/YAML parsing, redaction."""
