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
    # Variants (rule@variant) of a rule's sentence: the other row is on another sheet.
    "duplicate-value@sheet": (
        "与工作表“{other_sheet}”第{other_row}行重复",
        "the same as sheet '{other_sheet}' row {other_row}",
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
    # Units of amount (amountunit.py). A `variant` parameter picks the sentence
    # (`rule@variant`); `because` names the sentences that state the evidence.
    "amount-unit-yuan": (
        "表格注明金额单位为元（{at}：“{text}”）：本文件{rows}行的全部金额已按1万元=10000元"
        "精确折算为万元后计入合并和汇总，原表未改动；下次请按万元填报",
        "the sheet declares its amounts in 元 ({at}: '{text}'): every amount of its {rows} "
        "row(s) was converted exactly to 万元 (÷10,000) before merging and summing; the file "
        "itself is unchanged. Next time, fill it in 万元",
    ),
    "amount-unit-yuan@merged": (
        "来源文件{file}注明金额单位为元：其{rows}行金额已在合并时折算为万元",
        "the source file {file} declared its amounts in 元: its {rows} row(s) were converted "
        "to 万元 when merged",
    ),
    "amount-unit-conflict": (
        "金额单位的依据相互矛盾，相关行未计入汇总；请核实后重新报送",
        "the evidence on the unit of amount conflicts; the rows concerned are not counted in "
        "the summaries: check them and send the file again",
    ),
    "amount-unit-conflict@both": (
        "金额单位前后矛盾：{yuan_at}“{yuan_text}”注明元，{wan_at}“{wan_text}”注明万元；"
        "无法确定金额单位，本文件{rows}行未计入汇总；请统一为万元后重新报送",
        "the unit of amount contradicts itself: {yuan_at} '{yuan_text}' says 元, {wan_at} "
        "'{wan_text}' says 万元; the unit cannot be known, so the file's {rows} row(s) are "
        "not counted in the summaries: state all amounts in 万元 and send it again",
    ),
    "amount-unit-conflict@looks-wan": (
        "表格注明金额单位为元（{at}：“{text}”），但金额像是按万元填写（拖欠金额中位数仅{median}，"
        "{subfen}%的金额有两位以上小数）；无法确定金额单位，本文件{rows}行未计入汇总；请核实后重新报送",
        "the sheet declares its amounts in 元 ({at}: '{text}'), but they look like 万元 (median "
        "amount owed only {median}; {subfen}% of the amounts have more than two decimals); "
        "the unit cannot be known, so the file's {rows} row(s) are not counted in the "
        "summaries: check it and send it again",
    ),
    "amount-unit-conflict@looks-yuan": (
        "表格注明金额单位为万元（{at}：“{text}”），但金额像是按元填写（拖欠金额中位数达{median}）；"
        "无法确定金额单位，本文件{rows}行未计入汇总；请核实后重新报送",
        "the sheet declares its amounts in 万元 ({at}: '{text}'), but they look like 元 (median "
        "amount owed {median}); the unit cannot be known, so the file's {rows} row(s) are not "
        "counted in the summaries: check it and send it again",
    ),
    "amount-unit-conflict@row": (
        "表格注明金额单位为元，但本行拖欠金额{value}只有本文件其他{peers}行中位数{median}元的"
        "{ratio}分之一，像是按万元填写；本行未计入汇总，请核实",
        "the sheet declares 元, but this amount owed {value} is 1/{ratio} of the median {median} "
        "元 of the file's {peers} other row(s): it looks typed in 万元; the row is not counted "
        "in the summaries: please check it",
    ),
    "amount-unit-conflict@merged": (
        "来源文件{file}的金额单位矛盾：其{rows}行未计入汇总（见合并时的问题清单）",
        "the unit of amount of the source file {file} conflicts: its {rows} row(s) are not "
        "counted in the summaries (see the merge's findings)",
    ),
    "amount-suspect-yuan": (
        "拖欠金额{value}万元疑似按元填写（{because}）；已计入汇总，汇总另行说明其占比；请核实",
        "the amount owed {value} 万元 looks typed in yuan ({because}); it is counted, and the "
        "summaries state its share: please check it",
    ),
    "amount-suspect-yuan@file": (
        "本文件{rows}行拖欠金额疑似按元填写（{because}）而未注明金额单位；已计入汇总，"
        "汇总另行说明其占比；如确为元，请注明“金额单位：元”或换算为万元后重新报送",
        "the amounts owed of the file's {rows} row(s) look typed in yuan ({because}), and no "
        "unit is declared; they are counted, and the summaries state their share: if they are "
        "in 元, declare 金额单位：元 or convert them to 万元 and send the file again",
    ),
    "amount-suspect-yuan@most": (
        "本文件{of}行中有{rows}行拖欠金额疑似按元填写（{because}）而未注明金额单位；已计入汇总，"
        "汇总另行说明其占比；请核实",
        "{rows} of the file's {of} amounts owed look typed in yuan ({because}), and no unit is "
        "declared; they are counted, and the summaries state their share: please check them",
    ),
    "amount-suspect-yuan@merged": (
        "来源文件{file}的{rows}行拖欠金额疑似按元填写（见合并时的问题清单）；已计入汇总",
        "{rows} amount(s) owed of the source file {file} look typed in yuan (see the merge's "
        "findings); they are counted",
    ),
    "unit-note.converted": (
        "注明金额单位为元，{rows}行已÷10000折算为万元",
        "declared in 元: {rows} row(s) converted to 万元 (÷10,000)",
    ),
    "unit-note.conflict": (
        "金额单位矛盾，{rows}行未计入汇总",
        "unit of amount in conflict: {rows} row(s) not counted in the summaries",
    ),
    "unit-note.suspect": (
        "{rows}行疑似按元填写（已计入汇总）",
        "{rows} row(s) look typed in yuan (counted in the summaries)",
    ),
    "yuan-evidence.magnitude": (
        "不低于{magnitude_limit}万元，即1亿元",
        "at least {magnitude_limit} 万元, 100 million yuan",
    ),
    "yuan-evidence.contract": (
        "是合同金额{contract_contract}万元的{contract_ratio}倍",
        "{contract_ratio} times the contract amount {contract_contract} 万元",
    ),
    "yuan-evidence.peers": (
        "是本文件其他{peers_peers}行拖欠金额中位数{peers_median}万元的{peers_ratio}倍",
        "{peers_ratio} times the median {peers_median} 万元 of the file's {peers_peers} other "
        "row(s)",
    ),
    "yuan-evidence.last-week": (
        "是上周同一案件拖欠金额{last_week_owed}万元的{last_week_ratio}倍",
        "{last_week_ratio} times last week's {last_week_owed} 万元 for the same case",
    ),
    "yuan-evidence.file": (
        "拖欠金额中位数达{median}万元",
        "the median amount owed is {median} 万元",
    ),
    "yuan-evidence.magnitude-any": ("单笔不低于1亿元", "at least 100 million yuan each"),
    "yuan-evidence.contract-any": ("是合同金额的上千倍", "thousands of times the contract amount"),
    "yuan-evidence.peers-any": (
        "是其他行中位数的上千倍",
        "thousands of times the median of the other rows",
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
    "duplicate-case@sheet": (
        "与工作表“{other_sheet}”第{other_row}行为同一案件（{identity}）",
        "the same case as sheet '{other_sheet}' row {other_row} ({identity})",
    ),
    "ledger-sheets": (
        "{count}个工作表填有本表，均已读取（工作表 行数）：{detail}",
        "{count} sheets hold this form and every one was read (sheet rows): {detail}",
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
    "duplicate-unit@sheet": (
        "“{unit}”已在工作表“{other_sheet}”第{other_row}行填报；每个单位一行",
        "'{unit}' already has sheet '{other_sheet}' row {other_row}; a roster holds one row "
        "per unit",
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
        "{path} 解压后共{size_mb}MB，超过{limit_mb}MB的上限，为防止内存耗尽已拒绝读取；"
        "若文件确属正常，可用 --max-unpacked-mb 提高上限",
        "{path} would unpack to {size_mb} MB, more than the {limit_mb} MB limit; refused to "
        "protect memory. If the file is genuine, raise the limit with --max-unpacked-mb",
    ),
    "inflate-ratio": (
        "{path} 中的{part}由{packed}KB解压为{size_mb}MB（压缩比{ratio}倍，正常表格不超过{limit}倍），"
        "疑为压缩炸弹，已拒绝读取；此限制不可通过选项放宽，请让报送单位用Excel重新保存后发送",
        "{path}: its part {part} inflates from {packed} KB to {size_mb} MB ({ratio} times; a "
        "genuine workbook stays under {limit} times), which is how a zip bomb looks; refused. "
        "No option lifts this limit: ask the sender to save the file again from Excel",
    ),
    "part-size-lie": (
        "{path} 中的{part}解压后超过其声明的大小（{size}KB），文件已损坏或被篡改，已拒绝读取",
        "{path}: its part {part} inflates beyond the size the archive declares for it "
        "({size} KB): the file is damaged or crafted; refused",
    ),
    "part-checksum": (
        "{path} 已损坏：其中的{part}未通过CRC-32校验（传输或存储中有字节被改动），"
        "读出的数值不可信；请让报送单位重新发送",
        "{path} is damaged: its part {part} fails its CRC-32 check (bytes changed in transit "
        "or on disk), so no value read from it can be trusted; ask the sender to send it again",
    ),
    "damaged-part": (
        "{path} 已损坏：其中的{part}无法读取（{detail}）；请让报送单位重新发送",
        "{path} is damaged: its part {part} cannot be read ({detail}); ask the sender to "
        "send it again",
    ),
    "zip-encrypted-part": (
        "{path} 中的{part}使用了zip加密，电子表格软件不会这样保存，无法读取；"
        "请发送用Excel或WPS保存的文件（设有打开密码的可用 --password）",
        "{path}: its part {part} is zip-encrypted, which no spreadsheet program writes, so it "
        "cannot be read; send the file as saved by Excel or WPS (a workbook with an opening "
        "password is read with --password)",
    ),
    "far-cell": (
        "{path} 的工作表“{sheet}”在{cell}处有值，远离表格其余内容：读取需要{cells}个单元格的空间，"
        "而表中只有{values}个有值的单元格；为防止内存耗尽已拒绝读取。请删除该处（或表格以外）的内容"
        "后重新发送；此限制不可通过选项放宽",
        "{path}, sheet '{sheet}': a value at {cell} lies far from the rest of the table, so "
        "reading the sheet would take a grid of {cells} cells for the {values} cells that hold "
        "values; refused to protect memory. Delete what is at {cell} (or anything outside "
        "the table) and send the file again; no option lifts this limit",
    ),
    "unsafe-xml": (
        "{path} 含有XML实体或DTD声明（可能是恶意文件），已拒绝读取",
        "{path} contains XML entity declarations or a DTD (a possible attack); refused",
    ),
    "not-regular-file": (
        "{path} 不是普通文件（{detail}），未读取",
        "{path} is not a regular file ({detail}); it was not read",
    ),
    "symlink-loop": (
        "{path} 是指向自身的循环链接，无法读取",
        "{path} is a symbolic link that loops back on itself; it cannot be read",
    ),
    "no-permission": (
        "没有读取{path}的权限；请检查文件权限",
        "no permission to read {path}; check the file's permissions",
    ),
    "folder-unreadable": (
        "无法打开文件夹{path}（没有权限或已不存在），其中的文件均未读取",
        "cannot open the folder {path} (no permission, or it is gone): none of its files were read",
    ),
    "output-write-failed": (
        "无法写入{path}：{reason}；未写入任何内容",
        "cannot write {path}: {reason}; nothing was written",
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
    # --- Python front (frame.py, rowmodel.py) ----------------------------------------------
    "frame-several-forms": (
        '这些台账属于不同表样（{forms}）：每种表样各建一个表格，例如 Options(form="{first}")',
        "the ledgers are of several forms ({forms}): make one frame per form, e.g. with "
        'Options(form="{first}")',
    ),
    "no-row-model": (
        "表样“{form}”是由明细计算出的汇总表，没有自己的数据行；行模型可用于：{known}",
        "form '{form}' is a summary computed from the detail, with no rows of its own; row "
        "models exist for: {known}",
    ),
    "schema-unreadable": (
        "无法读取表样文件{path}：{reason}",
        "cannot read schema {path}: {reason}",
    ),
    "schema-invalid": ("表样文件{path}有误：{reason}", "schema {path} is not valid: {reason}"),
    "identical-file": (
        "与{other}内容完全相同（同一份报送保存了两次？），只计一次：本文件未计入；"
        "如确需两份都计入，用 --keep-copies",
        "byte-identical to {other} (one submission saved twice?), so it counts once: this "
        "copy is not counted (--keep-copies counts both)",
    ),
    "identical-file@kept": (
        "与{other}内容完全相同（同一份报送保存了两次？），按 --keep-copies 两份都计入，其中案件重复计算",
        "byte-identical to {other} (one submission saved twice?); --keep-copies counts both, "
        "so its cases count twice",
    ),
    "identical-files": (
        "以下文件内容完全相同（同一份报送保存了两次？），只计第一个：{paths}",
        "these files are byte-identical (one submission saved twice?); only the first is "
        "counted: {paths}",
    ),
    "identical-files@kept": (
        "以下文件内容完全相同（同一份报送保存了两次？），按 --keep-copies 都计入，其中案件重复计算：{paths}",
        "these files are byte-identical (one submission saved twice?); --keep-copies counts "
        "each, so their cases count more than once: {paths}",
    ),
    "contact-forms-skipped": (
        "跳过与台账一同报送的联络表（附件1），它们不含案件：{paths}",
        "skipped contact forms (annex 1) sent beside the ledgers, which hold no cases: {paths}",
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
    "week-caution-suspect-last-week": (
        "{n}件拖欠金额是上周同一案件的上千倍（疑似按元填写），合计{owed}万元，占本周拖欠金额的{percent}%；已计入，请核实",
        "{n} amount(s) owed are thousands of times last week's for the same case (typed in "
        "yuan?), {owed} 万元, {percent}% of this week's owed; counted: please check them",
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
    "a named pipe (FIFO)": "命名管道（FIFO）",
    "a socket": "套接字",
    "a character device": "字符设备",
    "a block device": "块设备",
    "not a regular file": "非普通文件",
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
