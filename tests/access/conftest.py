"""An accounts store in a temporary folder with a clock the test moves, and one account of each role."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from plan_monitor.access import Access, local_admin

from access_kit import CHEAP, PASSWORD, Clock

@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def access(tmp_path, clock) -> Access:
    return Access(tmp_path / "home", clock=clock, hasher=PasswordHasher(**CHEAP))


@pytest.fixture
def admin():
    return local_admin("tester")


@pytest.fixture
def people(access, admin):
    """One account of each role: 查看, 县级分析员 (江陵县), 市级分析员, 管理员."""
    access.add("viewer1", PASSWORD, "viewer", admin, display="张查看")
    access.add("jiangling", PASSWORD, "county_analyst", admin, counties=["江陵县"], display="王分析")
    access.add("city", PASSWORD, "city_analyst", admin, display="李统计")
    access.add("boss", PASSWORD, "admin", admin, display="赵管理")
    return access
