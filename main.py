"""LocalReach entry point: no arguments opens the GUI, a sub-command runs the CLI."""

import multiprocessing

from ui.launch import run

if __name__ == "__main__":
    multiprocessing.freeze_support()  # worker processes of a frozen (installed) build start here
    run()
