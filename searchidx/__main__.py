"""``python -m searchidx`` and the ``searchidx`` command: :func:`run`.

The command's modules (click first) take a moment to import, and a Ctrl-C
then would end Python with a traceback: until :func:`searchidx.cli.run` takes
over, this module turns it into the same line and exit code 130.
"""

import gc
import sys


def run() -> None:
    """Import the command line and run it, the cyclic garbage collector off
    until the command is known (see :func:`searchidx.cli.run`)."""
    gc.disable()
    try:
        from .cli import run as run_command
    except KeyboardInterrupt:
        # Nothing has started: the same words as a Ctrl-C during any command.
        sys.stderr.write("searchidx: interrupted; the index keeps its last completed update\n")
        sys.exit(130)
    run_command()


if __name__ == "__main__":
    run()
