"""Every sentence the tool says to a person, in Chinese and English, keyed by a stable code.

Codes are part of the JSON output and never change meaning; the sentences may be reworded.
"""

from __future__ import annotations

import os
from typing import Any

LANGS = ("zh", "en")

# code: (zh, en). Parameters are filled with str.format; missing ones render as '?'.
MESSAGES: dict[str, tuple[str, str]] = {
    # --- cells --------------------------------------------------------------------------
    "required": ("必填项为空", "required, but empty"),
    "required-placeholder": (
        "“{placeholder}”表示空白，但此项必填",
        "'{placeholder}' stands for blank, but this is required",
    ),
    "required-when": (
        "{cond_header}为“{cond_value}”时应填写",
        "required when {cond_header} is {cond_value}",
    ),
    "required-above": (
        "{cond_header}大于{limit}时应填写",
        "required when {cond_header} is above {limit}",
    ),
    "value-not-allowed": (
        "“{value}”不是允许的取值；可选：{allowed}",
        "'{value}' is not an allowed value; choose one of: {allowed}",
    ),
    "value-not-allowed-for": (
        "{cond_header}为“{cond_value}”时，“{value}”不是允许的取值；可选：{allowed}",
        "'{value}' is not allowed when {cond_header} is {cond_value}; choose one of: {allowed}",
    ),
    "value-not-applicable": (
        "{cond_header}为“{cond_value}”时本栏应为空",
        "should be empty when {cond_header} is {cond_value}",
    ),
    "alias-normalized": ("“{value}”按“{canonical}”处理", "'{value}' read as '{canonical}'"),
    "text-normalized": (
        "全角字符或多余空格已规范为“{canonical}”",
        "full-width characters or extra spaces normalized to '{canonical}'",
    ),
    "code-normalized": (
        "已规范为“{canonical}”（去掉空格和连字符，字母改为大写）",
        "normalized to '{canonical}' (spaces and hyphens removed, letters in capitals)",
    ),
    "credit-code-length": (
        "统一社会信用代码应为18位，此处为{length}位",
        "a unified social credit code has 18 characters; this one has {length}",
    ),
    "credit-code-chars": (
        "统一社会信用代码含有不允许的字符“{chars}”（不使用I、O、Z、S、V及标点）",
        "the credit code holds characters it cannot have: '{chars}' "
        "(no I, O, Z, S, V or punctuation)",
    ),
    "credit-code-region": (
        "统一社会信用代码第3至8位应为行政区划代码（6位数字）",
        "characters 3 to 8 of a credit code are a region code: six digits",
    ),
    "credit-code-check": (
        "统一社会信用代码校验位错误（应为{expected}），请核对是否抄错",
        "the check character is wrong (it should be {expected}): the code was probably mistyped",
    ),
    "credit-code-lost-digits": (
        "统一社会信用代码校验位错误，且全为数字、以000结尾：像是曾以数字格式保存而丢失了末几位；请按原件重新录入",
        "the check character is wrong, and the code is all digits ending in 000: it looks "
        "stored as a number once, losing its last digits; type it again from the original",
    ),
    "stored-as-number": (
        "该栏以数字格式保存，Excel只保留15位有效数字，可能已丢失数字；请将该列设为文本后重新录入",
        "stored as a number: Excel keeps only 15 significant digits, so digits may be lost; "
        "format the column as text and type it again",
    ),
    "number-normalized": (
        "以文本形式录入的数字“{value}”按{canonical}读取",
        "number typed as text '{value}' read as {canonical}",
    ),
    "bad-number": ("“{value}”不是数字", "'{value}' is not a number"),
    "amount-other-unit": (
        "“{value}”以{unit}为单位，本表金额以万元计：应填{wan}",
        "'{value}' is in {unit}, but amounts here are in 万元: it would be {wan}",
    ),
    "bad-integer": ("“{value}”不是整数", "'{value}' is not a whole number"),
    "negative-amount": ("金额不能为负数", "an amount cannot be negative"),
    "amount-not-positive": ("金额必须大于0", "the amount must be greater than 0"),
    "amount-below-min": ("金额不能小于{min}", "the amount cannot be below {min}"),
    "looks-like-yuan": (
        "金额{value}万元（即{yuan}元）异常偏大，可能误按“元”填写；金额单位应为万元",
        "{value} 万元 ({yuan} yuan) is implausibly large: it was probably typed in yuan; "
        "amounts are in 万元 (10,000 yuan)",
    ),
    "too-many-decimals": (
        "金额保留超过4位小数（小于1元），已按原值读取",
        "more than 4 decimal places (less than one yuan); read as written",
    ),
    "bad-phone": (
        "“{value}”不是有效的手机或固定电话号码",
        "'{value}' is not a valid Chinese mobile or fixed-line number",
    ),
    "phone-no-area-code": (
        "固定电话“{value}”缺少区号，请写成如023-63895398",
        "fixed-line number '{value}' has no area code; write it like 023-63895398",
    ),
    "bad-month": (
        "“{value}”不是有效的年月，请按xxxx-xx填写，例2022-12",
        "'{value}' is not a month; write it as YYYY-MM, e.g. 2022-12",
    ),
    "ambiguous-month": (
        "“{value}”以数字保存，无法区分1月和10月；请按文本xxxx-xx填写",
        "'{value}' is stored as a number, so January and October look alike; "
        "type it as text YYYY-MM",
    ),
    "month-normalized": ("年月“{value}”按{canonical}读取", "month '{value}' read as {canonical}"),
    "bad-date": (
        "“{value}”不是有效日期，请按xxxx-xx-xx填写，例2022-04-08",
        "'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2022-04-08",
    ),
    "date-normalized": ("日期“{value}”按{canonical}读取", "date '{value}' read as {canonical}"),
    "date-in-future": ("日期{value}晚于今天", "the date {value} is in the future"),
    "excel-error": (
        "单元格为Excel错误值{value}，请修正公式或改为数值",
        "the cell holds the Excel error {value}; fix the formula or type the value",
    ),
    "formula-no-value": (
        "公式没有保存计算结果（文件可能由程序生成）；请在Excel或WPS中打开并保存后再报送",
        "a formula without a stored result (the file was probably written by a program); "
        "open and save it in Excel or WPS, then send it again",
    ),
    "duplicate-value": (
        "与第{other_row}行重复",
        "the same as row {other_row}",
    ),
    # --- rows ---------------------------------------------------------------------------
    "debtor-is-creditor": (
        "债务人与债权人统一社会信用代码相同",
        "the debtor and the creditor have the same credit code",
    ),
    "owed-exceeds-contract": (
        "拖欠金额{owed}大于合同金额{contract}",
        "the amount owed {owed} is larger than the contract amount {contract}",
    ),
    "cleared-not-owed": (
        "清偿完毕金额{cleared}应等于拖欠金额{owed}",
        "paid in full {cleared} must equal the amount owed {owed}",
    ),
    "repaid-not-less": (
        "已偿还金额{repaid}应小于拖欠金额{owed}（全部还清请填清偿完毕金额）",
        "repaid {repaid} must be less than the amount owed {owed} "
        "(a debt paid in full goes in 清偿完毕金额)",
    ),
    "remaining-mismatch": (
        "剩余金额应为{expected}（拖欠金额−清偿完毕金额−已偿还金额），填报为{value}",
        "remaining should be {expected} (owed − paid in full − repaid), but is {value}",
    ),
    "agreement-exceeds-balance": (
        "协议还款金额{agreed}大于尚未偿还的金额{balance}",
        "the agreed repayment {agreed} is larger than what is still owed, {balance}",
    ),
    "judicial-exceeds-owed": (
        "进入司法程序的金额{judicial}大于拖欠金额{owed}",
        "the amount in court {judicial} is larger than the amount owed {owed}",
    ),
    "due-after-cutoff": (
        "最迟付款日期{value}晚于排查截止时间{cutoff}，尚未逾期，不属于拖欠",
        "latest payment date {value} is after the screening cut-off {cutoff}: "
        "not yet overdue, so not arrears",
    ),
    "breakdown-mismatch": (
        "各欠款类型金额之和{total}不等于拖欠金额{owed}",
        "the amounts by kind of debt add up to {total}, not to the amount owed {owed}",
    ),
    "due-after-accepted": (
        "约定最迟付款时间{due}晚于问题线索受理日期{accepted}",
        "the agreed payment date {due} is after the date the case was accepted, {accepted}",
    ),
    # --- files --------------------------------------------------------------------------
    "missing-column": (
        "缺少“{header}”列",
        "the column '{header}' is missing",
    ),
    "perhaps": ("；是否是{near}列？", "; perhaps column {near}?"),
    "unknown-column": (
        "表头“{header}”不属于{form}，该列未校验",
        "'{header}' is not a column of {form}; it was not checked",
    ),
    "duplicate-column": (
        "“{header}”列出现两次，只读取第一列",
        "the column '{header}' appears twice; only the first is read",
    ),
    "header-alias": (
        "表头“{value}”按“{canonical}”识别",
        "header '{value}' read as '{canonical}'",
    ),
    "unit-yuan": (
        "表格注明金额单位为“元”，本表金额单位应为万元；请换算后重新报送",
        "the sheet says its amounts are in 元 (yuan); this form takes 万元 (10,000 yuan): "
        "convert them and send it again",
    ),
    "total-row-skipped": ("合计行未计入明细", "a total row was skipped"),
    "data-end": (
        "第{row}行起为填写说明，不作为数据读取",
        "rows from {row} on are instructions (填写说明), not data",
    ),
    "duplicate-case": (
        "与第{other_row}行为同一案件（{identity}）",
        "the same case as row {other_row} ({identity})",
    ),
    "merged-filled": (
        "{range}是合并单元格，所覆盖的各行都按首行的值填写",
        "{range} is one merged cell: each row it covers takes the value of its first row",
    ),
    "other-ledger-sheet": (
        "工作表“{other}”也是{form}台账，但只读取了“{read}”，“{other}”中的案件未计入；"
        "请把各表合并到一个工作表，或用 --sheet 分别校验",
        "sheet '{other}' also holds a {form} ledger, but only '{read}' was read: its cases are "
        "not counted; put them on one sheet, or check each with --sheet",
    ),
    "duplicate-unit": (
        "“{unit}”已在第{other_row}行填报；每个单位一行",
        "'{unit}' already has row {other_row}; a roster holds one row per unit",
    ),
    "unit-renamed": (
        "单位名称“{value}”（{rows}行）按“{canonical}”计，与其他写法合并为同一单位",
        "unit '{value}' ({rows} row(s)) counted as '{canonical}', one unit with its other "
        "spellings",
    ),
    "unit-from-metadata": (
        "{rows}行的{header}为空，按表头上方的填报单位“{unit}”计",
        "{header} is blank on {rows} row(s): counted as '{unit}', the 填报单位 above the header",
    ),
    "mixed-units": (
        "本文件的行分属{n}个不同单位（{units}）；一个单位应单独报送，请核实",
        "the rows of this file name {n} different units ({units}); a unit normally sends its "
        "own file: please check",
    ),
    "unit-not-in-roster": (
        "单位“{value}”（{rows}行）不在单位名单{roster}中（名单中最接近的：{near_unit}）",
        "unit '{value}' ({rows} row(s)) is not on the roster {roster} (closest there: {near_unit})",
    ),
    "no-rows": ("表中没有数据行", "the table has no data rows"),
    "missing-field": ("联络表缺少“{header}”", "the contact form has no '{header}'"),
    # --- whole files: cannot be read ----------------------------------------------------
    "file-missing": ("找不到文件或文件夹：{path}", "no such file or folder: {path}"),
    "file-empty": ("文件为空（0字节）：{path}", "the file is empty (0 bytes): {path}"),
    "not-spreadsheet": (
        "{path} 不是电子表格（{detail}）；请报送.xlsx、.xls、.ods或.csv文件",
        "{path} is not a spreadsheet ({detail}); send an .xlsx, .xls, .ods or .csv file",
    ),
    "corrupt": (
        "{path} 已损坏或不完整，无法读取（{detail}）；请重新导出或让报送单位重发",
        "{path} is damaged or incomplete and cannot be read ({detail}); "
        "export it again or ask the sender to resend it",
    ),
    "encrypted": (
        "{path} 设有打开密码；请用 --password 提供密码",
        "{path} is protected by a password; give it with --password",
    ),
    "wrong-password": (
        "{path} 的密码不正确",
        "the password for {path} is wrong",
    ),
    "too-large": (
        "{path} 解压后超过{limit_mb}MB（{detail}），为防止内存耗尽已拒绝读取；"
        "确需读取请加 --max-unpacked-mb",
        "{path} would unpack to more than {limit_mb} MB ({detail}); refused to protect memory. "
        "Raise the limit with --max-unpacked-mb if the file is genuine",
    ),
    "unsafe-xml": (
        "{path} 含有XML实体声明（可能是恶意文件），已拒绝读取",
        "{path} contains XML entity declarations (a possible attack); refused",
    ),
    "no-header": (
        "{path} 中找不到可识别的表头（已检查工作表：{sheets}）；请确认使用的是正式表样，"
        "或用 --form 指定表样",
        "no recognizable header in {path} (sheets looked at: {sheets}); check that the "
        "official form was used, or name the form with --form",
    ),
    "summary-table": (
        "{path} 是汇总表（{title}），不是明细台账；请用 ledger summarize --check 核对它与明细是否一致",
        "{path} is a summary table ({title}), not a detail ledger; compare it with the detail "
        "using `ledger summarize --check`",
    ),
    "no-sheet": (
        "{path} 中没有名为“{sheet}”的工作表（现有：{sheets}）",
        "{path} has no sheet named '{sheet}' (it has: {sheets})",
    ),
    "bad-encoding": (
        "{path} 不是可识别编码的文本（UTF-8、带BOM的UTF-16或GB18030）；请用Excel另存为xlsx后再报送",
        "{path} is not text in an encoding ledger reads (UTF-8, UTF-16 with its byte-order mark, "
        "or GB18030); save it from Excel as .xlsx and send that",
    ),
    "unknown-form": ("未知表样“{form}”；可用：{known}", "unknown form '{form}'; known: {known}"),
    "schema-unreadable": (
        "无法读取表样文件{path}：{reason}",
        "cannot read schema {path}: {reason}",
    ),
    "schema-invalid": ("表样文件{path}有误：{reason}", "schema {path} is not valid: {reason}"),
    "identical-file": (
        "与{other}内容完全相同（同一份报送保存了两次？），其中案件会重复计算",
        "byte-identical to {other} (one submission saved twice?), so its cases count twice",
    ),
    "identical-files": (
        "以下文件内容完全相同（同一份报送保存了两次？），其中案件会重复计算：{paths}",
        "these files are byte-identical (one submission saved twice?), so their cases count "
        "twice: {paths}",
    ),
    "summaries-skipped": (
        "跳过文件夹中的汇总表（附件3/4），它们不是明细台账：{paths}；用 ledger summarize --check 核对",
        "skipped summary tables (annex 3/4) found in a folder, which are no detail ledgers: "
        "{paths}; check them with ledger summarize --check",
    ),
    "merged-skipped": (
        "跳过文件夹中已合并的汇总台账（ledger merge 的输出），以免案件重复计算：{paths}；如需读取请直接指定该文件",
        "skipped merged city workbooks (ledger merge output) found in a folder, so no case is "
        "counted twice: {paths}; name a file itself to read it",
    ),
    "no-inputs": (
        "{path} 中没有可读取的电子表格",
        "no spreadsheets found in {path}",
    ),
    "output-is-input": (
        "输出文件{path}是输入文件之一，拒绝覆盖；请换一个输出文件名",
        "the output {path} is one of the inputs; refusing to overwrite it: choose another name",
    ),
    "output-exists": (
        "输出文件{path}已存在；如需覆盖请加 --force",
        "{path} already exists; add --force to overwrite it",
    ),
    "output-suffix": (
        "输出文件{path}须以.xlsx结尾（本工具写出的是Excel工作簿）",
        "the output {path} must end in .xlsx (the tool writes an Excel workbook)",
    ),
    "output-dir-missing": ("输出目录{path}不存在", "the output folder {path} does not exist"),
    # --- ledger week ------------------------------------------------------------------------
    "week-inbox-not-folder": (
        "{path}不是文件夹：ledger week 读取收件文件夹（本周收到的全部报送文件）",
        "{path} is not a folder: ledger week reads the inbox folder (every submission of the week)",
    ),
    "week-outdir-in-inbox": (
        "输出文件夹{path}在收件文件夹{inbox}之内：下周读取收件箱时会把输出当作报送文件；请另选位置",
        "the output folder {path} is inside the inbox {inbox}: the outputs would be read as "
        "submissions next time; choose a folder outside it",
    ),
    "week-outdir-not-folder": (
        "{path}已存在且不是文件夹",
        "{path} exists and is not a folder",
    ),
    "week-outdir-foreign": (
        "输出文件夹{path}中有{n}个不是 ledger week 写入的文件（{files}）；为免误删，请另选一个空文件夹或新文件夹",
        "the output folder {path} holds {n} file(s) ledger week did not write ({files}); "
        "so that nothing of yours is replaced, choose an empty or new folder",
    ),
    "week-outdir-busy": (
        "无法替换输出文件夹{path}（{detail}）；其中的文件是否正在Excel中打开？关闭后重试，原有输出未改动",
        "the output folder {path} cannot be replaced ({detail}); is one of its files open in "
        "Excel? Close it and run again; the previous outputs are unchanged",
    ),
    "week-last-is-outdir": (
        "--last {path}就是本周的输出文件夹；请给出上周的输出文件夹、上周的全市台账或上周的收件文件夹",
        "--last {path} is this week's output folder; give last week's output folder, its "
        "city workbook or last week's inbox",
    ),
    "week-last-missing": (
        "--last {path}不存在",
        "--last {path} does not exist",
    ),
    "week-last-no-city": (
        "上周的输出文件夹{path}中没有全市台账{city}",
        "last week's output folder {path} holds no city workbook {city}",
    ),
    "week-caution-unreadable": (
        "{n}个文件无法读取，其案件未计入本周数字：",
        "{n} file(s) cannot be read; their cases are in none of this week's figures: ",
    ),
    "week-line-head": ("ledger week：{inbox} → {outdir}", "ledger week: {inbox} → {outdir}"),
    "week-line-received": (
        "收到{files}个文件：并入{merged}个台账（{rows}行，{units}个单位）{rest}",
        "received {files} file(s): {merged} ledger(s) merged ({rows} rows, {units} units){rest}",
    ),
    "week-line-skipped": ("，跳过{n}个", ", {n} skipped"),
    "week-line-unreadable": ("，{n}个无法读取", ", {n} cannot be read"),
    "week-line-returned": (
        "退回{n}个文件修改（标注副本在 {folder}，清单 {index}）：",
        "{n} file(s) go back to be fixed (marked copies in {folder}, list in {index}):",
    ),
    "week-line-returned-row": (
        "  {unit}  {file}  错误{errors}  {contact}",
        "  {unit}  {file}  {errors} error(s)  {contact}",
    ),
    "week-line-unreadable-row": ("  {unit}  {file}  无法读取", "  {unit}  {file}  cannot be read"),
    "week-line-more": ("  另有{n}个，见 {index}", "  {n} more: see {index}"),
    "week-line-none-returned": ("没有需要退回的文件", "no file goes back"),
    "week-line-figures": ("本周数字{vs}：", "this week's figures{vs}:"),
    "week-line-vs": ("（较上周）", " (change since last week)"),
    "week-line-cases": ("  案件 {value} 件{change}", "  cases {value}{change}"),
    "week-line-owed": ("  拖欠总金额 {value} 万元{change}", "  owed {value} 万元{change}"),
    "week-line-repaid": ("  清偿总金额 {value} 万元{change}", "  repaid {value} 万元{change}"),
    "week-line-rate": ("  清偿率 {value}%{change}", "  repayment rate {value}%{change}"),
    "week-line-points": ("个百分点", " points"),
    "week-line-no-last": (
        "未给出 --last：本期不含与上周的比较（消失、倒退、新增案件）",
        "no --last: this week is not compared with last week (vanished, regressed, new cases)",
    ),
    "week-line-changes": (
        "与上周比较：消失{vanished}件（拖欠{vanished_amount}万元），倒退{regressions}件，新增{new}件，本周偿还{repaid}万元",
        "since last week: {vanished} vanished ({vanished_amount} 万元 owed), {regressions} "
        "regressed, {new} new, {repaid} 万元 repaid",
    ),
    "week-line-overdue": (
        "到期未偿还（截至{as_of}）：{cases}件，{amount}万元",
        "lapsed promises (as of {as_of}): {cases} case(s), {amount} 万元",
    ),
    "week-line-cautions": ("数字说明：", "about the figures:"),
    "week-line-written": (
        "已写入 {outdir}（{first}等{n}个文件）",
        "written to {outdir} ({first} and the others: {n} files)",
    ),
    "week-line-more-cautions": ("  另有{n}条，见周报.html", "  {n} more: see 周报.html"),
    "week-line-alarm": (
        "需要处理：{what}（退出码{exit}）",
        "to act on: {what} (exit code {exit})",
    ),
    "week-line-quiet": ("没有需要处理的事项（退出码0）", "nothing to act on (exit code 0)"),
    "week-alarm-returned": ("退回{n}个文件", "{n} file(s) to return"),
    "week-alarm-not_reported": ("{n}个单位未报送", "{n} unit(s) sent nothing"),
    "week-alarm-vanished": ("{n}件消失", "{n} vanished"),
    "week-alarm-regressions": ("{n}件倒退", "{n} regressed"),
    "week-alarm-overdue": ("{n}件到期未偿还", "{n} lapsed"),
    "week-alarm-unreadable": ("{n}个文件无法读取", "{n} unreadable"),
    "week-caveat-error-rows": (
        "{rows}行存在错误（涉及拖欠金额{amount}万元），已按报送数计入汇总；所在文件已退回修改",
        "{rows} row(s) with errors ({amount} 万元 owed) are counted as sent; their files go "
        "back to be fixed",
    ),
    "week-caveat-duplicates": (
        "{groups}组重复案件（多计{rows}行，拖欠金额{amount}万元）已重复计入汇总；见全市台账“重复组”列",
        "{groups} duplicate group(s) counted more than once ({rows} extra row(s), {amount} "
        "万元 owed); see the 重复组 column of the city workbook",
    ),
    "week-caution-other-form": (
        "{n}个文件不是{form}表样，未计入：",
        "{n} file(s) are not of form {form} and are not counted: ",
    ),
}


# The `detail` of an unreadable file, in the words the reader module gives it; library errors
# (calamine's, zipfile's) other than these stay as they are, being for whoever fixes the file.
DETAILS_ZH = {
    "a folder": "文件夹",
    "a PDF document": "PDF文档",
    "an HTML or XML document": "HTML或XML文档",
    "plain text": "纯文本",
    "unknown format": "未知格式",
    "a Word document": "Word文档",
    "a PowerPoint file": "PowerPoint文件",
    "a zip archive": "zip压缩包",
    "a RAR archive": "RAR压缩包",
    "a 7z archive": "7z压缩包",
    "an image": "图片",
    "binary data": "二进制数据",
    "File is not a zip file": "不是有效的zip文件",
}


def message(code: str, lang: str, **params: Any) -> str:
    zh, en = MESSAGES.get(code, (code, code))
    template = zh if lang == "zh" else en
    if lang == "zh" and params.get("detail") in DETAILS_ZH:
        params["detail"] = DETAILS_ZH[params["detail"]]
    try:
        return template.format_map(_Default(params))
    except (ValueError, IndexError):
        return template


class _Default(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def detect_lang(explicit: str | None = None) -> str:
    """`--lang` wins; then LEDGER_LANG (a setting that persists); then the locale (LC_ALL,
    LC_MESSAGES, LANG, or the system's, as on Windows where those are unset). A locale that
    names no language (C, POSIX) says nothing; with nothing said the tool speaks Chinese, the
    language of its users and of the forms."""
    if explicit:
        return explicit
    setting = os.environ.get("LEDGER_LANG", "").strip().lower()
    if setting in LANGS:
        return setting
    candidates = [os.environ.get(v, "") for v in ("LC_ALL", "LC_MESSAGES", "LANG")]
    if not any(candidates):
        # No POSIX locale variables (Windows): ask the system. Where they are set, Python's
        # answer only mirrors them, and maps C.UTF-8 to en_US, which is no one's choice.
        try:
            import locale

            candidates.append(locale.getlocale()[0] or "")
        except (ValueError, AttributeError):
            pass
    for value in candidates:
        name = value.split(".")[0].lower()
        if not name or name in ("c", "posix"):
            continue
        return "zh" if name.startswith(("zh", "chinese")) else "en"
    return "zh"


def register(messages: dict[str, tuple[str, str]]) -> None:
    """Let a command module bring its own sentences; a code may be defined only once."""
    clash = set(messages) & set(MESSAGES)
    if clash:
        raise ValueError(f"message codes defined twice: {sorted(clash)}")
    MESSAGES.update(messages)
