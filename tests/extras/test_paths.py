"""Server paths named by a policy, mapped into the checked tree."""

from __future__ import annotations

from pathlib import Path

from kumocheck.extras.paths import map_data_path

ROOT = Path("/repo/policy")


def test_policy_prefix_maps_to_the_root() -> None:
    assert map_data_path("/opt/kumomta/etc/policy/sources.toml", ROOT, {}) == ROOT / "sources.toml"
    assert map_data_path("/opt/kumomta/etc/policy/shaping/a.toml", ROOT, {}) == ROOT / "shaping" / "a.toml"


def test_configured_prefixes_longest_first() -> None:
    paths = {"/etc/kumo/": "/repo/config", "/etc/kumo/shaping/": "/repo/shaping"}
    assert map_data_path("/etc/kumo/queues.toml", ROOT, paths) == Path("/repo/config/queues.toml")
    assert map_data_path("/etc/kumo/shaping/x.toml", ROOT, paths) == Path("/repo/shaping/x.toml")
    assert map_data_path("/etc/kumo/q.toml", ROOT, {"/etc/kumo": "data"}) == ROOT / "data" / "q.toml"


def test_relative_paths_are_under_the_root() -> None:
    assert map_data_path("data/queues.toml", ROOT, {}) == ROOT / "data" / "queues.toml"


def test_unmappable() -> None:
    assert map_data_path("/srv/other/shaping.toml", ROOT, {}) is None
    assert map_data_path("https://tsa.example/get_config_v1/shaping.toml", ROOT, {}) is None
    assert map_data_path("/opt/kumomta/etc/policy/../secrets.toml", ROOT, {}) is None
    assert map_data_path("", ROOT, {}) is None
