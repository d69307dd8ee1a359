"""Ahead-of-time compiler: KumoMTA Lua policy -> Python module."""
