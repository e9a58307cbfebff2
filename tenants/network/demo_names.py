"""Names for the demo network: people (Chinese, with pinyin) and cities.

Names are chosen from the username by a stable hash, so every seed run gives a
person the same name.
"""

from __future__ import annotations

import zlib


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """``"王:Wang 李:Li"`` -> ``(("王", "Wang"), ("李", "Li"))``."""
    return tuple((zh, en) for zh, _, en in (item.partition(":") for item in text.split()))


SURNAMES: tuple[tuple[str, str], ...] = _pairs(
    "王:Wang 李:Li 张:Zhang 刘:Liu 陈:Chen 杨:Yang 黄:Huang 赵:Zhao 吴:Wu 周:Zhou 徐:Xu "
    "孙:Sun 马:Ma 朱:Zhu 胡:Hu 郭:Guo 何:He 高:Gao 林:Lin 罗:Luo 郑:Zheng 梁:Liang 谢:Xie "
    "宋:Song 唐:Tang 许:Xu 韩:Han 冯:Feng 邓:Deng 曹:Cao 彭:Peng 曾:Zeng 肖:Xiao 田:Tian "
    "董:Dong 袁:Yuan 潘:Pan 蒋:Jiang 蔡:Cai 余:Yu"
)

GIVEN_NAMES: tuple[tuple[str, str], ...] = _pairs(
    "伟:Wei 芳:Fang 娜:Na 敏:Min 静:Jing 磊:Lei 强:Qiang 军:Jun 洋:Yang 勇:Yong 艳:Yan 杰:Jie "
    "涛:Tao 明:Ming 超:Chao 霞:Xia 平:Ping 刚:Gang 建华:Jianhua 志强:Zhiqiang 晓东:Xiaodong "
    "海燕:Haiyan 文博:Wenbo 子涵:Zihan 思远:Siyuan 雨桐:Yutong 国栋:Guodong 丽娟:Lijuan "
    "俊杰:Junjie 佳怡:Jiayi 浩然:Haoran 婷婷:Tingting 建国:Jianguo 红梅:Hongmei 振宇:Zhenyu "
    "欣怡:Xinyi 志明:Zhiming 春燕:Chunyan 宏伟:Hongwei 晓玲:Xiaoling"
)

CITIES: tuple[tuple[str, str], ...] = _pairs(
    "北京:Beijing 天津:Tianjin 南京:Nanjing 苏州:Suzhou 无锡:Wuxi 宁波:Ningbo 合肥:Hefei "
    "福州:Fuzhou 厦门:Xiamen 济南:Jinan 青岛:Qingdao 郑州:Zhengzhou 武汉:Wuhan 长沙:Changsha "
    "南昌:Nanchang 南宁:Nanning 海口:Haikou 成都:Chengdu 重庆:Chongqing 贵阳:Guiyang "
    "昆明:Kunming 西安:Xi'an 兰州:Lanzhou 太原:Taiyuan 石家庄:Shijiazhuang 沈阳:Shenyang "
    "大连:Dalian 长春:Changchun 哈尔滨:Harbin 呼和浩特:Hohhot 银川:Yinchuan 西宁:Xining "
    "乌鲁木齐:Urumqi 拉萨:Lhasa 佛山:Foshan 东莞:Dongguan 温州:Wenzhou 常州:Changzhou "
    "徐州:Xuzhou 烟台:Yantai"
)

CITY_TIME_ZONES: dict[str, str] = {"乌鲁木齐": "Asia/Urumqi"}
"""Cities whose dealers keep local time; everywhere else is Asia/Shanghai."""


def person_name(username: str, *, english: bool = False) -> str:
    """A stable, realistic name for ``username``: 陈杰, or Chen Jie when ``english``."""
    h = zlib.crc32(username.encode())
    surname = SURNAMES[h % len(SURNAMES)]
    given = GIVEN_NAMES[(h // len(SURNAMES)) % len(GIVEN_NAMES)]
    if english:
        return f"{surname[1]} {given[1]}"
    return surname[0] + given[0]
