"""数据上传: choose the roster type, upload, read the check report and the preview, then confirm. Nothing is
written before the confirm button."""

import pandas as pd
import streamlit as st

from plan_monitor.ingest.corrections import MERGE, MODES
from plan_monitor.ingest.model import MAX_BYTES, SEVERITY_LABELS
from plan_monitor.ingest.pipeline import check_upload
from plan_monitor.ingest.service import UNCHANGED_ZH
from plan_monitor.outputs.template_files import template_csv, template_file_name, template_xlsx
from plan_monitor.outputs.upload_report import report_file_name, report_xlsx
from plan_monitor.spec.templates import TEMPLATES
from plan_monitor.ui.context import actor, data_store, guard, monitor, submitter, write_service
from plan_monitor.ui.downloads import audited
from plan_monitor.ui.tables import dataframe
from plan_monitor.ui.text import plain
from plan_monitor.ui.uploader import file_uploader

m, _ = monitor()
store = data_store()
st.markdown("## 数据上传")
with guard():
    head = store.head()
st.caption(f"{m.plan.plan.name} · 当前数据版本 v{head}" + (" · 示例数据" if m.card.is_demo else ""))

done = st.session_state.pop("pm_upload_done", None)
if done:
    st.success(done)
    st.page_link("app_pages/overview.py", label="查看总览", icon=":material/dashboard:")

st.markdown("#### 第一步　选择报表类型，下载模板")
AUTO = "auto"
choice = st.selectbox("报表类型", [AUTO, *TEMPLATES], key="pm_upload_template",
                      format_func=lambda k: "自动识别（按表头判断）" if k == AUTO else TEMPLATES[k].title)
with st.expander("下载填报模板（含填表说明与下拉选项）"):
    for key, template in TEMPLATES.items():
        left, right = st.columns(2)
        # Files are built on click (deferred data), not on every rerun of the page.
        left.download_button(f"{template.title}（Excel）",
                             audited(lambda key=key: template_xlsx(key, m.plan, m.geo), template_file_name(key, "xlsx"),
                                     f"填报模板：{template.title}"),
                             template_file_name(key, "xlsx"), key=f"pm_tpl_x_{key}", on_click="ignore")
        right.download_button(f"{template.title}（CSV）",
                              audited(lambda key=key: template_csv(key), template_file_name(key, "csv"),
                                      f"填报模板：{template.title}"),
                              template_file_name(key, "csv"), key=f"pm_tpl_c_{key}", on_click="ignore")

st.markdown("#### 第二步　上传文件")
st.caption(f"支持 .xlsx、.csv（UTF-8 或 GB18030/GBK，WPS、Excel 另存均可）、Excel“Unicode 文本”（.txt）、制表符分隔文本（.tsv）、.parquet；单个文件不超过 {MAX_BYTES // 2**20} MB。"
           "将文件拖到下方框内，或点击“选择文件”。旧版 .xls 请先另存为 .xlsx。标题行、合计行、全角数字、“是/否/√/×”等会自动识别并在报告中列出。")
mode = st.radio("上传方式", list(MODES), format_func=MODES.get, key="pm_upload_mode", horizontal=True,
                help="补充更正：文件中的单位更新或新增，文件中没有的单位、空白单元格和文件没有的列保留原值。"
                     "整体替换：文件即该县（市、区）该统计截至的全部单位，文件中没有的单位将删除，文件没有的列将清空。")
st.caption("补充更正：只更新文件中的单位，空白单元格保留原值（适合少量更正）。"
           if mode == MERGE else "整体替换：文件中没有的单位将从该统计截至起删除，文件没有的列将清空（适合完整重报）。")
# A new key after each commit empties the uploader, so the stored file is not offered again.
round_no = st.session_state.setdefault("pm_upload_round", 0)
upload = file_uploader("报表文件", types=["xlsx", "csv", "txt", "tsv", "parquet", "xls"],
                       supported=["xlsx", "csv", "txt", "tsv", "parquet"],
                       limit_mb=MAX_BYTES // 2**20, key=f"pm_upload_file_{round_no}")
if upload is None:
    st.stop()

NO_COLUMN = "（不对应）"


def column_labels(reading) -> dict[int, str]:
    """The 列对应 choices: file column number → 第N列 列名 (0: none)."""
    return {0: NO_COLUMN, **{c.column: f"第{c.column}列 {c.text or '（无表头）'}" for c in reading.columns}}


data = upload.getvalue()
# 选择表格 (several tables on one sheet) belongs to one file: another file starts again from its first table
if st.session_state.get("pm_upload_table_file") != (upload.name, upload.size):
    st.session_state.pop("pm_upload_table", None)
    st.session_state["pm_upload_table_file"] = (upload.name, upload.size)
picked = st.session_state.get("pm_upload_table")
# 列对应: the header row and column mapping the analyst set for this file (button 按此对应重新读取 below)
colmap = st.session_state.get("pm_colmap")
if colmap is None or colmap["file"] != (upload.name, upload.size):
    colmap = {"file": (upload.name, upload.size), "header_row": None, "mapping": {}}
    st.session_state["pm_colmap"] = colmap
stamp = (upload.name, upload.size, choice, head, mode, picked, colmap["header_row"],
         tuple(sorted(colmap["mapping"].items())))
if st.session_state.get("pm_upload_stamp") != stamp:
    with guard(), st.spinner("正在校验……"):
        fresh = check_upload(upload.name, data, m.plan, m.geo, store, None if choice == AUTO else choice, mode=mode,
                             table=None if picked is None else picked + 1, header_row=colmap["header_row"],
                             mapping=colmap["mapping"] or None, actor=actor())
    st.session_state["pm_upload_checked"] = fresh
    st.session_state["pm_upload_stamp"] = stamp
    if fresh.reading is not None:  # the 列对应 widgets start from this reading
        st.session_state["pm_colmap_row"] = fresh.reading.header_row
        labels = column_labels(fresh.reading)
        for key in {c.key for t in TEMPLATES.values() for c in t.columns}:
            st.session_state[f"pm_colmap_{key}"] = labels[fresh.reading.column_of(key)]
checked = st.session_state["pm_upload_checked"]
if checked.parsed is not None and checked.parsed.tables:
    labels = checked.parsed.tables
    st.radio("选择表格", list(range(len(labels))), format_func=lambda i: labels[i], key="pm_upload_table",
             index=checked.parsed.table_index, help="本工作表上有多个表格，请选择要上传的一个")

st.markdown("#### 第三步　校验结果")
cols = st.columns(4)
cols[0].metric("报表类型", checked.parsed.template.title if checked.parsed else "无法识别")
cols[1].metric("数据行数", len(checked.rows) if checked.rows is not None else 0)
cols[2].metric(SEVERITY_LABELS["error"], len(checked.errors))
cols[3].metric(SEVERITY_LABELS["warning"], len(checked.warnings))
if checked.parsed is None:  # the file as a whole could not be read: the reason is the whole story
    st.error("\n\n".join(plain(i.message) for i in checked.errors) + "\n\n当前数据未作任何改动。")
elif checked.errors:
    st.error(f"发现 {len(checked.errors)} 个错误，不能提交。请按下表修改文件后重新上传；当前数据未作任何改动。")
elif checked.warnings:
    st.warning(f"校验通过，但有 {len(checked.warnings)} 条警告，请逐条核对后在第五步确认。")
else:
    st.success("校验通过，没有发现问题。")
if checked.notes:
    with st.expander(f"已自动处理的格式问题（{len(checked.notes)} 类）", expanded=not checked.issues):
        for note in checked.notes:
            st.markdown(f"- {plain(note.message)}")
if checked.issues:
    dataframe(checked.problems(), hide_index=True, width="stretch")
    st.download_button("下载问题清单（Excel，问题单元格已标色）",
                       audited(lambda: report_xlsx(checked.parsed, checked.issues, checked.notes, checked.file_name),
                               report_file_name(checked.file_name), f"问题清单：{checked.file_name}"),
                       report_file_name(checked.file_name), key="pm_upload_report", on_click="ignore")


def _reread(reading, template) -> None:
    """按此对应重新读取: a changed header row is read first (its columns are then offered), else the mapping."""
    row = int(st.session_state["pm_colmap_row"])
    if row != reading.header_row:
        colmap.update(header_row=row, mapping={})
        return
    numbers = {label: n for n, label in column_labels(reading).items()}
    chosen = {c.key: numbers.get(st.session_state.get(f"pm_colmap_{c.key}"), 0) for c in template.columns}
    colmap.update(header_row=checked.header_row, mapping=reading.mapping_for(chosen))


reading = checked.reading
if reading is not None and (checked.header_rejected or reading.unknown or checked.mapping or checked.header_row
                            or checked.saved_map):
    if checked.parsed is not None:
        fields = checked.parsed.template
    else:
        fields = TEMPLATES[choice if choice != AUTO else reading.template_key or "village"]
    with st.expander("列对应", expanded=checked.header_rejected or bool(checked.errors)):
        st.markdown(plain(reading.summary()))
        dataframe(pd.DataFrame({"列": [f"第{c.column}列" for c in reading.columns],
                                "文件中的列名": [c.text or "（无表头）" for c in reading.columns],
                                "读取方式": [c.label for c in reading.columns]}), hide_index=True, width="stretch")
        st.number_input("表头所在行（文件中的行号）", min_value=1, step=1, key="pm_colmap_row",
                        help="改了表头行后，先点“按此对应重新读取”，再为各字段选择列")
        st.caption(f"按“{fields.title}”为各字段选择文件中的列（带 * 的为必填）；报表类型不对时请在第一步选择。"
                   "提交后列对应按县（市、区）和报表类型保存，下次表头不符时自动使用。")
        options = list(column_labels(reading).values())
        grid = st.columns(3)
        for i, col in enumerate(fields.columns):
            grid[i % 3].selectbox(f"{col.header}{' *' if col.required else ''}", options, key=f"pm_colmap_{col.key}")
        st.button("按此对应重新读取", key="pm_colmap_apply", on_click=_reread, args=(reading, fields))
if checked.parsed is None:
    st.stop()

st.markdown("#### 第四步　预览变化（与当前数据相比）")
st.caption(f"上传方式：{MODES[checked.mode]}。"
           + ("文件中的单位更新或新增；文件中没有的单位、空白单元格保留原值。" if checked.mode == MERGE else
              "同一县（市、区）、年度、统计截至以本文件为准；本文件没有的单位将删除。"))
dataframe(checked.summary(), hide_index=True, width="stretch")
with st.expander("逐条查看新增、修改、删除的单位"):
    dataframe(checked.details(), hide_index=True, width="stretch")

st.markdown("#### 第五步　确认提交")
if not checked.can_commit:
    st.info("存在错误，不能提交。")
    st.stop()
user = submitter("pm_user")
# a file that changes nothing stops here, unless it covers counties outside the submitter's scope: then the write
# service's refusal (the same as for any out-of-scope file) is what the submitter must read
if checked.unchanged and not actor(user).outside(c for c in checked.rows["county"].to_pylist() if c is not None):
    st.info(f"{plain(checked.file_name)}：{UNCHANGED_ZH}。")
    st.stop()
confirmed = True
if checked.warnings:
    confirmed = st.checkbox(f"我已核对以上 {len(checked.warnings)} 条警告，确认提交", key="pm_upload_confirm")
typed = None
if checked.removed:
    st.error(f"整体替换将删除 {checked.removed} 个单位。请在下框输入删除的单位数 {checked.removed} 以确认。")
    text = st.text_input("输入将删除的单位数", key="pm_upload_removals", placeholder=f"{checked.removed}")
    typed = int(text.strip()) if text.strip().isdigit() else None
    if text.strip() and typed != checked.removed:
        st.warning(f"输入的数与将删除的单位数（{checked.removed}）不一致")
    confirmed = confirmed and typed == checked.removed
if st.button("确认提交", type="primary", disabled=not confirmed, key="pm_upload_commit"):
    with guard():
        entry = write_service(store).commit_upload(checked, actor(user), confirm_warnings=bool(checked.warnings),
                                                   confirm_removals=typed)
    st.cache_resource.clear()
    for key in ("pm_upload_stamp", "pm_upload_checked", "pm_upload_confirm", "pm_upload_removals", "pm_upload_table",
                "pm_colmap"):
        st.session_state.pop(key, None)
    st.session_state["pm_upload_round"] = round_no + 1
    saved = "列对应已保存，下次上传同类报表且表头不符时自动使用。" if checked.map_to_save is not None else ""
    st.session_state["pm_upload_done"] = (f"已提交为数据版本 v{entry['id']}：{plain(checked.file_name)}，{len(checked.rows)} 行。"
                                          f"各页面数据已更新。{saved}")
    st.rerun()
