"""``python -m desktop`` and the frozen executable: the same entry point as ``broadsheet``."""

import multiprocessing
import sys

from desktop.cli import main

if __name__ == "__main__":
    # The importer parses seeds in worker processes; a frozen (PyInstaller) executable must
    # let those children run the worker instead of starting the app again.
    multiprocessing.freeze_support()
    sys.exit(main())
