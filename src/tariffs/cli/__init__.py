"""The command line: the imperative shell around the pipeline (see the README's module map)."""

from tariffs.cli.app import app, main

__all__ = ["app", "main"]
