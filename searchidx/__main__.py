"""``python -m searchidx``: the same as the ``searchidx`` command."""

import sys

from .cli import main

sys.exit(main())
