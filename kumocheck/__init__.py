"""kumocheck: static checker and ahead-of-time compiler for KumoMTA policy scripts."""

__version__ = "0.1.0"
