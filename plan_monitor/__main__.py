import sys

from plan_monitor.cli import main

sys.exit(main())
