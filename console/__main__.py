"""`python -m console ...`: the `supplysync` command from this interpreter."""

import sys

from console.main import main

sys.exit(main())
