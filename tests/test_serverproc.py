"""The servers' logs are read by one helper (tests/serverproc.assert_clean_log): what it says."""

import pytest

from tests.serverproc import assert_clean_log, log_trouble
from workshop.db import YIELD_MARK

REQUESTS = [f"[2026-12-06 09:40:{n:02}] GET /api/workshops/X/rollup 200" for n in range(60)]


def test_a_traceback_is_named_by_its_exception_first_and_last():
    trace = ["Traceback (most recent call last):", '  File "x.py", line 1, in f', "KeyError: 34"]
    after = [f"[2026-12-06 09:41:{n:02}] GET /api/workshops/X/rollup 200" for n in range(99)]
    said = log_trouble("\n".join([*REQUESTS, *trace, *after]), "Traceback").splitlines()
    assert said[0] == said[-1] == "the server's log holds 'Traceback': KeyError: 34"
    assert REQUESTS[-1] in said and REQUESTS[0] not in said  # the lines before it, not the log
    assert len(said) < 90 and after[-1] not in said


def test_a_yield_is_named_by_its_innermost_frame():
    stack = [YIELD_MARK, '  File "a.py", line 3, in outer', '  File "b.py", line 9, in inner', ""]
    said = log_trouble("\n".join([*REQUESTS, *stack, *REQUESTS]), YIELD_MARK).splitlines()
    assert said[0].endswith('File "b.py", line 9, in inner')


def test_a_clean_log_passes_and_a_troubled_one_fails(tmp_path):
    log = tmp_path / "server.log"
    log.write_text("\n".join(REQUESTS))
    assert_clean_log(log)
    log.write_text("\n".join([*REQUESTS, "Traceback (most recent call last):", "OSError: boom"]))
    with pytest.raises(pytest.fail.Exception, match="OSError: boom"):
        assert_clean_log(log)
