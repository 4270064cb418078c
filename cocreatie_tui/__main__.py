import sys

from cocreatie_tui.cli import main

sys.exit(main())
