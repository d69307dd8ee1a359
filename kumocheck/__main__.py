"""`python -m kumocheck`."""

from kumocheck.cli.process import run

if __name__ == "__main__":  # worker processes re-import this module
    run()
