"""Helpers of the access tests: argon2 parameters cheap enough for tests, a password, a clock the test moves."""

from __future__ import annotations

CHEAP = dict(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse"


class Clock:
    def __init__(self, now: float = 1_700_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
