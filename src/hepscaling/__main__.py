"""``python -m hepscaling ...`` — see :mod:`hepscaling.cli`."""
import sys

from .cli import main

sys.exit(main())
