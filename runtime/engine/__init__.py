"""Layer 4: running a module: connection, inputs, render, send, map, page, poll, state."""
