"""Entry point of `python -m clientary_sandbox`."""

from .cli import main

raise SystemExit(main(prog="python -m clientary_sandbox"))
