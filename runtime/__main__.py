"""``python -m runtime``: the same as the ``connector`` command."""

from runtime.cli import main

raise SystemExit(main())
