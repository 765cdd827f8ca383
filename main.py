"""LocalReach entry point: no arguments opens the GUI, a sub-command runs the CLI."""

import multiprocessing
import sys

from ui.launch import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # worker processes of a frozen (installed) build start here
    sys.exit(main())
