"""Counting wrong tries in the cache: per value, reported once when a limit is reached, forgotten after the window."""

import time

from smartgov.platform.throttle import Limit, tries_exhausted, try_failed

PER_CODE = Limit("test-code", 3, 60)
PER_ADDRESS = Limit("test-address", 5, 60)


def test_each_value_is_counted_apart_and_a_limit_is_reported_once():
    counted = [(PER_CODE, "A-1"), (PER_ADDRESS, "203.0.113.7")]
    assert [try_failed(counted) for _ in range(2)] == [[], []]
    assert tries_exhausted(counted) is None
    assert try_failed(counted) == [(PER_CODE, "A-1")]
    assert tries_exhausted(counted) == (PER_CODE, "A-1")
    assert try_failed(counted) == [], "the code's limit is reported when reached, not at every later try"
    assert try_failed([(PER_CODE, "A-2"), (PER_ADDRESS, "203.0.113.7")]) == [(PER_ADDRESS, "203.0.113.7")]
    assert tries_exhausted([(PER_CODE, "A-2"), (PER_ADDRESS, "198.51.100.1")]) is None


def test_the_window_ends():
    short = Limit("test-short", 1, 1)
    assert try_failed([(short, "x")]) == [(short, "x")]
    assert tries_exhausted([(short, "x")]) == (short, "x")
    time.sleep(1.1)
    assert tries_exhausted([(short, "x")]) is None
