"""Layer 5: the Make export (makecomapp.json, IML code files)."""
