"""The load generator measures the server as shipped: its defaults are the server's."""

from bench.loadgen import DEFAULT_WINDOW
from workshop.config import load_config


def test_the_load_generator_window_is_the_servers_default(tmp_path, monkeypatch):
    monkeypatch.delenv("ATELIER_BROADCAST_WINDOW", raising=False)
    config = load_config(tmp_path)
    assert config["BROADCAST_WINDOW"] == DEFAULT_WINDOW
    assert config["PHONES_WINDOW"] > config["BROADCAST_WINDOW"]
