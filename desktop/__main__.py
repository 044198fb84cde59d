"""``python -m desktop`` and the frozen executable: the same entry point as ``broadsheet``."""

import sys

from desktop.cli import main

if __name__ == "__main__":
    if getattr(sys, "frozen", False):
        # The importer parses seeds in worker processes; a frozen (PyInstaller) executable must
        # let those children run the worker instead of starting the app again. Only then:
        # multiprocessing costs 10-20 ms to import on every start.
        import multiprocessing

        multiprocessing.freeze_support()
    sys.exit(main())
