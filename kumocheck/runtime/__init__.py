"""Run-time support library imported by policies compiled by kumocheck."""
