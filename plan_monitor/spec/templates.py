"""The roster templates analysts fill in: Chinese headers, types, and the table each one feeds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DType = Literal["int", "float", "str", "bool", "date"]
YES = ("是",)
NO = ("否",)


@dataclass(frozen=True)
class Column:
    key: str  # the English column name the queries use
    header: str  # the Chinese header analysts see
    dtype: DType
    required: bool
    help: str
    # Headers analysts type instead of `header` (the header itself and `key` always match too); the reader
    # also drops unit parentheses such as （人） before comparing.
    aliases: tuple[str, ...] = ()
    example: str = ""  # the value the template's 填表说明 shows; blank: a neutral value of the column's type
    choices: tuple[str, ...] = ()  # the only values allowed (a drop-down in the .xlsx template)

    @property
    def is_year(self) -> bool:
        return self.key in YEAR_KEYS

    @property
    def is_quantity(self) -> bool:
        """A number that counts or measures something (not a year): range-checked, summed in a 合计 row."""
        return self.dtype in ("int", "float") and not self.is_year


@dataclass(frozen=True)
class Template:
    key: str
    title: str  # the sheet title a statistician would expect
    table: str  # DuckDB view the queries read
    unit_keys: tuple[str, ...]  # one row per these and year (and 统计截至)
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def header_of(self) -> dict[str, str]:
        """Column key → its Chinese header in this template (是否示范 reads differently per template)."""
        return {c.key: c.header for c in self.columns}

    @property
    def report_keys(self) -> tuple[str, ...]:
        """What names one unit's report: its unit keys, 年度 and 统计截至."""
        return (*self.unit_keys, *REPORT_KEYS)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


YEAR = Column("year", "年度", "int", True, "数据所属年度，如 2023",
              aliases=("年度", "年份", "统计年度", "数据年度", "所属年度", "报送年度", "年"),
              example="2024")
AS_OF = Column("as_of", "统计截至", "date", False,
               "数据统计截止日期，如 2024-06-30；空白表示年末（12月31日）。同一单位同一年度有多次报送时，以统计截至最晚的一次为准",
               aliases=("统计截至", "统计截止", "截止日期", "截至日期", "数据截至", "数据截止", "统计时间", "统计日期", "统计截至日期", "统计截止日期", "截至时间",
                        "截止时间", "数据截止日期", "数据截至日期"),
               example="2024-06-30")
COUNTY = Column("county", "县（市、区）", "str", True, "县（市、区）或功能区的规范名称，如 监利市、荆州经济技术开发区",
                aliases=("县（市、区）", "县市区", "县(市区)", "县区", "所属县市区", "所属县（市、区）", "县（市、区）名称", "县市", "县（市、区、功能区）",
                         "县（市、区）/功能区", "县区市", "县市区名称", "县（区、市）", "县区名称", "所属县区", "县（市、区）名"),
                example="监利市")
TOWN = Column("town", "乡镇（街道）", "str", True, "乡镇（街道）规范名称，以民政部区划为准",
              aliases=("乡镇（街道）", "乡镇", "街道", "乡镇街道", "所属乡镇", "所属乡镇（街道）", "乡镇（街道）名称", "镇（街道）", "乡镇/街道", "乡镇名称",
                       "镇街", "镇街名称", "乡镇街道名称", "所属镇街", "镇（街道）名称", "乡镇（街道）名"),
              example="容城镇")
DEMO_YEAR = Column("demo_year", "示范命名年度", "int", False,
                   "被命名为示范单位的年度；空白时取该单位首次标为示范的年度",
                   aliases=("示范命名年度", "命名年度", "命名年份", "示范年度", "示范命名年份", "命名时间"),
                   example="2023")
# Columns holding a year: read as four-digit years (2023年 → 2023), offered a year drop-down in the blank
# templates, checked against the plan's years and never range-checked or summed as counts.
YEAR_KEYS = (YEAR.key, DEMO_YEAR.key)
# Beside a template's unit keys, what names one report of a unit: its year and 统计截至.
REPORT_KEYS = (YEAR.key, AS_OF.key)

VILLAGE = Template(
    key="village",
    title="村（社区）情况统计表",
    table="villages",
    unit_keys=("county", "town", "village"),
    columns=(
        YEAR, AS_OF, COUNTY, TOWN,
        Column("village", "村（社区）", "str", True, "村或社区名称，在所属乡镇（街道）内唯一",
               aliases=("村（社区）", "村社区", "村名", "村（社区）名称", "村", "社区名称", "村名称", "村/社区", "村（居）", "行政村", "村居", "村（社区）名",
                        "示范村名称", "村居名称", "村（居）名称", "行政村名称", "示范村（社区）名称"),
               example="红星村"),
        Column("unit_type", "类型", "str", True, "填“村”或“社区”",
               aliases=("村社区类型", "村（社区）类型", "类别"),
               example="村",
               choices=("村", "社区")),
        Column("is_demo", "是否示范村（社区）", "bool", True, "填“是”或“否”：截至统计日是否为市级示范村（社区）",
               aliases=("是否示范村", "示范村", "是否示范村（社区）", "是否为示范村", "是否市级示范村", "示范村（社区）", "是否为示范村（社区）", "是否示范社区"),
               example="否"),
        DEMO_YEAR,
        Column("income_wan", "村集体经济收入（万元）", "float", False,
               "当年村集体经济收入，单位万元；社区可空白。年中报送填当年预计全年收入",
               aliases=("村集体经济收入（万元）", "村集体经济收入", "集体经济收入（万元）", "集体经济收入", "村集体经济收入(万元)", "村级集体经济收入", "村集体收入", "集体收入",
                        "村集体经济收入（万）", "集体经济收入（万）"),
               example="12.5"),
        Column("reserve_cadres", "后备干部人数", "int", False, "村级后备干部总人数",
               aliases=("后备干部人数", "后备干部数", "后备干部（人）", "后备干部", "村级后备干部人数", "后备干部总数", "后备干部人数合计", "后备干部总人数"),
               example="3"),
        Column("reserve_cadres_u30", "其中30岁以下后备干部人数", "int", False, "后备干部中 30 岁以下的人数",
               aliases=("其中30岁以下", "30岁以下后备干部", "其中30岁以下后备干部人数", "30岁以下后备干部人数", "其中30岁以下人数", "30岁以下", "30岁以下人数",
                        "其中：30岁以下", "后备干部其中30岁以下", "30岁以下后备干部数"),
               example="1"),
    ),
)

TOWN_ROSTER = Template(
    key="town",
    title="乡镇（街道）情况统计表",
    table="towns",
    unit_keys=("county", "town"),
    columns=(
        YEAR, AS_OF, COUNTY, TOWN,
        Column("town_type", "类型", "str", True, "填“镇”“乡”或“街道”",
               aliases=("乡镇类型", "乡镇（街道）类型", "类别"),
               example="镇",
               choices=("镇", "乡", "街道")),
        Column("is_demo", "是否示范乡镇（街道）", "bool", True, "填“是”或“否”",
               aliases=("是否示范乡镇", "示范乡镇", "是否示范街道", "是否示范乡镇（街道）", "示范乡镇（街道）", "是否为示范乡镇"),
               example="否"),
        DEMO_YEAR,
        Column("has_smart_platform", "是否建成综合服务智慧平台", "bool", False,
               "街道是否已建成党建引领基层治理综合服务智慧平台",
               aliases=("是否建成综合服务智慧平台", "是否建成智慧平台", "智慧平台", "综合服务智慧平台", "是否建成平台", "是否建成党建引领基层治理综合服务智慧平台", "智慧平台是否建成"),
               example="是"),
        Column("is_dense_center", "是否中心城区人口密集街道", "bool", False,
               "是否属于市中心城区常住人口密集的街道（智慧平台力争全覆盖的范围）",
               aliases=("是否中心城区人口密集街道", "中心城区人口密集街道", "是否人口密集街道", "人口密集街道", "是否中心城区街道"),
               example="否"),
        Column("secretary_reserves", "党委书记后备人选人数", "int", False, "乡镇（街道）党委书记后备人选人数",
               aliases=("党委书记后备人选人数", "党委书记后备人选", "书记后备人选人数", "书记后备人选", "党委书记后备人数", "党委书记后备人选数"),
               example="2"),
    ),
)

COUNTY_ROSTER = Template(
    key="county",
    title="县（市、区）示范创建情况表",
    table="counties",
    unit_keys=("county",),
    columns=(
        YEAR, AS_OF, COUNTY,
        Column("is_demo", "是否示范县（市、区）", "bool", True, "填“是”或“否”",
               aliases=("是否示范县", "示范县", "是否示范县市区", "示范县（市、区）", "是否为示范县"),
               example="否"),
        DEMO_YEAR,
    ),
)

COUNTY_STATS = Template(
    key="county_stats",
    title="县级党建工作统计表",
    table="county_stats",
    unit_keys=("county",),
    columns=(
        YEAR, AS_OF, COUNTY,
        Column("shared_sites", "党建共享阵地数（个，累计）", "int", False, "2022 年以来累计建成的党建共享阵地数",
               aliases=("党建共享阵地数（个，累计）", "党建共享阵地数", "共享阵地数", "党建共享阵地", "累计建成党建共享阵地数"),
               example="15"),
        Column("brand_projects", "卓越党建品牌项目数（个，累计）", "int", False,
               "2022 年以来累计打造的省市县三级卓越党建品牌项目数",
               aliases=("卓越党建品牌项目数（个，累计）", "卓越党建品牌项目数", "党建品牌项目数", "品牌项目数", "卓越党建品牌项目"),
               example="4"),
        Column("certified_workers_u50", "50岁以下持证城市社区工作者数（人）", "int", False,
               "年末（或统计截至日）50 岁以下持有社会工作者职业资格证书的城市社区工作者人数",
               aliases=("50岁以下持证城市社区工作者数（人）", "50岁以下持证城市社区工作者数", "50岁以下持证社区工作者数", "50岁以下持证城市社区工作者",
                        "持证城市社区工作者数（50岁以下）"),
               example="120"),
        Column("party_workers", "基层党务工作者总数（人）", "int", False, "基层党务工作者总人数",
               aliases=("基层党务工作者总数（人）", "基层党务工作者总数", "党务工作者总数", "基层党务工作者人数", "党务工作者人数", "基层党务工作者数"),
               example="860"),
        Column("party_workers_trained", "已完成轮训党务工作者数（人，累计）", "int", False,
               "2022 年以来累计完成轮训的基层党务工作者人数",
               aliases=("已完成轮训党务工作者数（人，累计）", "已完成轮训党务工作者数", "已轮训党务工作者数", "轮训党务工作者数", "已轮训人数", "已完成轮训人数"),
               example="540"),
    ),
)

TEMPLATES: dict[str, Template] = {t.key: t for t in (VILLAGE, TOWN_ROSTER, COUNTY_ROSTER, COUNTY_STATS)}


def detect_template(headers: list[str]) -> Template | None:
    """The template whose required headers all appear, preferring the one matching the most headers."""
    present = {h.strip() for h in headers}
    fits = [t for t in TEMPLATES.values() if all(c.header in present for c in t.columns if c.required)]
    return max(fits, key=lambda t: sum(h in present for h in t.headers), default=None)
