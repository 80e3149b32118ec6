"""Fixtures of the web tests that play a workshop or check answers against the contract."""

import json

import pytest

from tests.playbook import play
from tests.web.test_openapi import DOCUMENT, Contract


@pytest.fixture
def contract(client):
    """Calls whose answers are checked against workshop/openapi.json."""
    return Contract(json.loads(DOCUMENT.read_text(encoding="utf-8")), client)


@pytest.fixture
def played(client, make_workshop, join, socket_client):
    """A workshop played as a room would (tests/playbook.py)."""
    return play(client, make_workshop, join, socket_client)
