"""The write service, the one way to change the data: a county analyst may write their own county and nothing
else, a refused change leaves the data folder byte for byte as it was, a rollback that would rewrite another
county is refused too, and every entry records who made it and in which role."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from plan_monitor.ingest.pipeline import check_upload
from plan_monitor.ingest.service import AccessDenied, Actor, NothingChanged, WriteService
from plan_monitor.paths import DEFAULT_DATA
from plan_monitor.present.history import version_table
from plan_monitor.sources import StoreConflict, load_rosters, open_store
from plan_monitor.spec.geography import load_geography
from tests.hostile_files import folder_hash

JIANGLING = Actor("江陵县 王分析", role="county_analyst", counties=frozenset({"江陵县"}))
CITY = Actor("市委组织部 李统计")


@pytest.fixture
def data(tmp_path) -> Path:
    return Path(shutil.copytree(DEFAULT_DATA, tmp_path / "data"))


@pytest.fixture
def geo(plan):
    return load_geography(plan)


def county_report(*counties: str, bump: float = 1.0) -> bytes:
    """The counties' 2024-09-30 village rosters from the demo, every income raised by `bump`, as a UTF-8 CSV."""
    with open(DEFAULT_DATA / "village_2024-09-30.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    county = header.index("县（市、区）")
    body = [r for r in rows[1:] if r[county] in counties]
    income = header.index("村集体经济收入（万元）")
    for r in body:
        r[income] = f"{float(r[income]) + bump:.1f}" if r[income] else ""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *body])
    return out.getvalue().encode("utf-8")


def commit(plan, geo, data: Path, actor: Actor, *counties: str, bump: float = 1.0) -> dict:
    store = open_store(data)
    checked = check_upload(f"{'、'.join(counties)}.csv", county_report(*counties, bump=bump), plan, geo, store)
    assert checked.can_commit, checked.problems().to_string()
    return WriteService(store).commit_upload(checked, actor, confirm_warnings=True)


def test_a_county_analyst_commits_their_own_county_and_the_entry_names_them(plan, geo, data):
    entry = commit(plan, geo, data, JIANGLING, "江陵县")
    assert (entry["id"], entry["user"], entry["role"], entry["counties"]) == (1, "江陵县 王分析", "county_analyst",
                                                                            ["江陵县"])
    store = open_store(data)
    assert store.entries() == [entry]
    assert version_table(store.entries())["提交人"].tolist() == ["江陵县 王分析"]
    assert load_rosters(data).history.entries == (entry,)


@pytest.mark.parametrize("counties, named", [(("公安县",), "公安县"), (("江陵县", "公安县", "石首市"), "公安县、石首市")])
def test_a_county_analyst_touching_another_county_is_refused_and_nothing_changes(plan, geo, data, counties, named):
    store = open_store(data)
    checked = check_upload("report.csv", county_report(*counties), plan, geo, store)
    assert checked.can_commit
    before = folder_hash(data)
    with pytest.raises(AccessDenied) as err:
        WriteService(store).commit_upload(checked, JIANGLING, confirm_warnings=True)
    assert err.value.zh == (f"江陵县 王分析（县级分析员）只能提交 江陵县 的数据，report.csv 含有 {named} 的数据；"
                            "未提交，数据未作任何改动")
    assert folder_hash(data) == before and store.head() == 0
    # the same file from a city analyst lands
    assert WriteService(store).commit_upload(checked, CITY, confirm_warnings=True)["role"] == "city_analyst"


def test_a_rollback_that_would_rewrite_another_county_is_refused(plan, geo, data):
    commit(plan, geo, data, CITY, "公安县")  # v1
    commit(plan, geo, data, JIANGLING, "江陵县")  # v2
    commit(plan, geo, data, JIANGLING, "江陵县", bump=2.0)  # v3
    store, before = open_store(data), folder_hash(data)
    service = WriteService(store)
    with pytest.raises(AccessDenied) as err:
        service.rollback(0, JIANGLING, base=3)  # would take 公安县's upload back out too
    assert err.value.zh == ("回退到版本 0 会改动 公安县 的数据，江陵县 王分析（县级分析员）只能修改 江陵县 的数据；"
                            "未回退，数据未作任何改动")
    assert folder_hash(data) == before and store.head() == 3

    back = service.rollback(1, JIANGLING, base=3)  # only 江陵县 changes between v3 and v1
    assert (back["id"], back["kind"], back["user"], back["role"], back["counties"]) == (
        4, "rollback", "江陵县 王分析", "county_analyst", ["江陵县"])
    assert store.owners() == store.owners(1)
    # a rollback a city analyst may make is still refused to the county analyst once 公安县 is in it
    with pytest.raises(AccessDenied):
        service.rollback(0, JIANGLING, base=4)
    assert service.rollback(0, CITY, base=4)["counties"] == ["公安县"]


def test_a_stale_rollback_is_a_conflict_before_any_scope_question(plan, geo, data):
    commit(plan, geo, data, CITY, "公安县")
    commit(plan, geo, data, CITY, "江陵县")
    with pytest.raises(StoreConflict, match="当前版本 v2，您核对时为 v1"):
        WriteService(open_store(data)).rollback(0, JIANGLING, base=1)


def test_an_actor_without_a_name_writes_nothing(plan, geo, data):
    store = open_store(data)
    checked = check_upload("江陵县.csv", county_report("江陵县"), plan, geo, store)
    before = folder_hash(data)
    for nameless in (Actor(""), Actor("   "), Actor("  ", role="county_analyst", counties={"江陵县"})):
        with pytest.raises(AccessDenied) as err:
            WriteService(store).commit_upload(checked, nameless, confirm_warnings=True)
        assert err.value.zh == "请填写提交人姓名"
    assert folder_hash(data) == before
    commit(plan, geo, data, CITY, "江陵县")
    before = folder_hash(data)
    with pytest.raises(AccessDenied) as err:
        WriteService(store).rollback(0, Actor(" "), base=1)
    assert err.value.zh == "请填写提交人姓名"
    assert folder_hash(data) == before


def test_an_actor_is_normalised_and_knows_its_scope():
    actor = Actor("  王分析 ", role="county_analyst", counties=["江陵县", "公安县"])
    assert actor.name == "王分析" and actor.counties == frozenset({"江陵县", "公安县"})
    assert actor.outside(["江陵县", "石首市", "沙市区", "石首市"]) == ["沙市区", "石首市"]
    assert actor.scope_text == "公安县、江陵县"
    assert CITY.counties is None and CITY.outside(["沙市区"]) == [] and CITY.scope_text == "全部县（市、区）"
    with pytest.raises(ValueError, match="unknown role"):
        Actor("王分析", role="superuser")


# ---------------------------------------------------------------- roles and the audit trail


@pytest.fixture
def access(tmp_path):
    from argon2 import PasswordHasher

    from plan_monitor.access import Access

    return Access(tmp_path / "home", hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


VIEWER = Actor("张查看", role="viewer", account="viewer1", address="10.0.0.5")
ADMIN = Actor("赵管理", role="admin", account="boss")


def test_a_viewer_may_neither_upload_nor_roll_back_and_the_refusals_are_audited(plan, geo, data, access):
    store = open_store(data)
    checked = check_upload("江陵县.csv", county_report("江陵县"), plan, geo, store)
    before = folder_hash(data)
    service = WriteService(store, access)
    with pytest.raises(AccessDenied) as err:
        service.commit_upload(checked, VIEWER, confirm_warnings=True)
    assert err.value.zh == "张查看（查看）无权提交数据；数据未作任何改动"
    with pytest.raises(AccessDenied, match="无权回退数据版本"):
        service.rollback(0, VIEWER, base=0)
    assert folder_hash(data) == before
    assert [(e["action"], e["actor"], e["outcome"], e["address"], e["target"]) for e in access.audit()] == [
        ("upload_refused", "viewer1", "拒绝", "10.0.0.5", "江陵县.csv"), ("rollback_refused", "viewer1", "拒绝", "10.0.0.5", "v0")]
    assert access.verify() == []


def test_uploads_rollbacks_and_a_mixed_county_refusal_are_in_the_audit(plan, geo, data, access):
    store = open_store(data)
    service = WriteService(store, access)
    mixed = check_upload("mixed.csv", county_report("江陵县", "公安县"), plan, geo, store)
    with pytest.raises(AccessDenied, match="含有 公安县 的数据"):
        service.commit_upload(mixed, JIANGLING, confirm_warnings=True)
    assert store.head() == 0
    own = check_upload("江陵县.csv", county_report("江陵县"), plan, geo, store)
    entry = service.commit_upload(own, JIANGLING, confirm_warnings=True)
    back = service.rollback(0, ADMIN, base=entry["id"])  # an admin rolls back anything
    log = access.audit()
    assert [(e["action"], e["actor"], e["target"]) for e in log] == [
        ("upload_refused", "江陵县 王分析", "mixed.csv"), ("upload", "江陵县 王分析", "江陵县.csv"), ("rollback", "boss", "v0")]
    assert "公安县" in json.loads(log[0]["detail"])["reason"]
    assert json.loads(log[1]["detail"])["version"] == entry["id"] and json.loads(log[2]["detail"])["version"] == back["id"]


def test_the_same_file_twice_is_audited_as_unchanged_not_as_a_refusal(plan, geo, data, access):
    store = open_store(data)
    service = WriteService(store, access)
    first = service.commit_upload(check_upload("江陵县.csv", county_report("江陵县"), plan, geo, store), JIANGLING,
                                  confirm_warnings=True)
    again = check_upload("江陵县.csv", county_report("江陵县"), plan, geo, store)
    with pytest.raises(NothingChanged):
        service.commit_upload(again, JIANGLING, confirm_warnings=True)
    assert store.head() == first["id"]
    log = access.audit()
    assert [(e["action"], e["outcome"], e["target"]) for e in log] == [
        ("upload", "成功", "江陵县.csv"), ("upload_unchanged", "未改动", "江陵县.csv")]
    assert json.loads(log[1]["detail"])["base"] == first["id"]
    assert access.verify() == []
