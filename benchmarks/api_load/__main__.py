"""`python -m benchmarks.api_load`: see the package's docstring."""

import sys

from benchmarks.api_load.bench import main

sys.exit(main())
