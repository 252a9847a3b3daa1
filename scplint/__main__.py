"""Run scplint as ``python -m scplint``."""

import sys

from scplint.cli import main

sys.exit(main())
