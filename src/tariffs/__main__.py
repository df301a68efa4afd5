"""`python -m tariffs` runs the command line."""

from tariffs.cli import main

main()
