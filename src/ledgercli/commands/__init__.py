"""One module per command, each exposing `command`; cli.py imports them only when called."""
