"""``python -m desktop``: the same entry point as the ``broadsheet`` command."""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
