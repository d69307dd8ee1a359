"""`python -m kumocheck`."""

from kumocheck.cli import main

raise SystemExit(main())
