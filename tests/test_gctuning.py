"""The server's garbage-collector settings (workshop/gctuning.py)."""

import gc

import pytest

from workshop.gctuning import DEFAULT, parse_thresholds, tune_for_server


@pytest.mark.parametrize(
    ("text", "expected"),
    [(None, DEFAULT), ("", DEFAULT), ("off", None), (" OFF ", None), ("700,10,10", (700, 10, 10))],
)
def test_thresholds_from_the_environment(text, expected):
    assert parse_thresholds(text) == expected


@pytest.mark.parametrize("text", ["5000", "a,b,c", "0,10,10", "1,2,3,4", "-5,10,10"])
def test_a_wrong_value_says_what_is_expected(text):
    with pytest.raises(ValueError, match="three positive integers"):
        parse_thresholds(text)


def test_tuning_sets_the_thresholds_and_freezes_what_exists():
    before = gc.get_threshold()
    try:
        tune_for_server((4321, 11, 99))
        assert gc.get_threshold() == (4321, 11, 99)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_off_leaves_python_alone():
    before = gc.get_threshold()
    tune_for_server(None)
    assert gc.get_threshold() == before
