"""Entry point of `python -m clientary_sandbox`."""

from .cli import main

raise SystemExit(main())
