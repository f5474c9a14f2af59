"""Layer 2: the Jinja2 template subset, its fast path for plain paths, the filters."""
