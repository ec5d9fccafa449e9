"""Code tables of the card's text block: gender (GB/T 2261.1) and nation (GB 3304, plus reader extras).

The card stores codes; the terminal shows the names. An unknown code is kept as the code itself
(never guessed), so a clerk can still see what the card said.
"""

from __future__ import annotations

# GB/T 2261.1-2003: 0 unknown, 1 male, 2 female, 9 not stated.
GENDERS: dict[str, str] = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}

# GB 3304-1991 (01-56, 97, 98) with the short names printed on the card.
NATIONS: dict[str, str] = {
    "01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗", "07": "彝", "08": "壮",
    "09": "布依", "10": "朝鲜", "11": "满", "12": "侗", "13": "瑶", "14": "白", "15": "土家", "16": "哈尼",
    "17": "哈萨克", "18": "傣", "19": "黎", "20": "傈僳", "21": "佤", "22": "畲", "23": "高山", "24": "拉祜",
    "25": "水", "26": "东乡", "27": "纳西", "28": "景颇", "29": "柯尔克孜", "30": "土", "31": "达斡尔",
    "32": "仫佬", "33": "羌", "34": "布朗", "35": "撒拉", "36": "毛南", "37": "仡佬", "38": "锡伯", "39": "阿昌",
    "40": "普米", "41": "塔吉克", "42": "怒", "43": "乌孜别克", "44": "俄罗斯", "45": "鄂温克", "46": "德昂",
    "47": "保安", "48": "裕固", "49": "京", "50": "塔塔尔", "51": "独龙", "52": "鄂伦春", "53": "赫哲",
    "54": "门巴", "55": "珞巴", "56": "基诺",
    "97": "其他", "98": "外国血统中国籍人士",
}

# Codes that readers' vendor tables add for groups recorded on cards in Guizhou (not in GB 3304).
READER_EXTRA_NATIONS: dict[str, str] = {"59": "穿青人", "60": "革家人"}

ALL_NATIONS: dict[str, str] = {**NATIONS, **READER_EXTRA_NATIONS}

_GENDER_CODES = {name: code for code, name in GENDERS.items()}
_NATION_CODES = {name: code for code, name in ALL_NATIONS.items()}


def gender_name(code: str) -> str:
    return GENDERS.get(code.strip(), code.strip())


def nation_name(code: str) -> str:
    code = code.strip()
    return ALL_NATIONS.get(code, code)


def gender_code(name: str) -> str:
    """The code for a gender name (the simulator's side); a code passes through unchanged."""
    return _GENDER_CODES.get(name, name)


def nation_code(name: str) -> str:
    return _NATION_CODES.get(name, name)
