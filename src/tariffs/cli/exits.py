"""Exit codes (the README's "Exit codes" table)."""

EXIT_OK = 0
EXIT_INVALID = 1
"""Invalid input; `check`: an expectation failed; `diff`: there are differences."""
EXIT_USAGE = 2
"""A usage error; `diff`: any trouble (as diff(1))."""
EXIT_OUTPUT = 74
"""EX_IOERR of sysexits.h: output could not be written (full, read-only, closed)."""
EXIT_HANGUP = 129
"""128 + SIGHUP: the terminal closed."""
EXIT_INTERRUPTED = 130
"""128 + SIGINT."""
EXIT_PIPE = 141
"""128 + SIGPIPE: what a shell reports for a tool whose reader closed the pipe."""
EXIT_TERMINATED = 143
"""128 + SIGTERM: `timeout`, `kill`, a cancelled CI job."""
