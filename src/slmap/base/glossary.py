"""Map labels in Vietnamese (default) and English, and number formatting.

Examples
--------
>>> t("legend_nodata", "vi")
'Không có dữ liệu'
>>> format_number(1234.5, "vi", decimals=1)
'1.234,5'
>>> format_number(1234.5, "en", decimals=1)
'1,234.5'
"""

from __future__ import annotations

import math

__all__ = ["LANGS", "TEXT", "format_number", "format_percent", "strings", "t"]

#: Supported languages; the first is the default.
LANGS = ("vi", "en")

#: key -> (Vietnamese, English)
TEXT: dict[str, tuple[str, str]] = {
    "title": (
        "Vùng phủ băng rộng di động và cáp quang",
        "Mobile broadband and fibre coverage",
    ),
    "province": ("Tỉnh {name}", "{name} province"),
    "data_date": ("Dữ liệu tính đến {date}", "Data as of {date}"),
    "source_split": (
        "{source} (chia theo bố cục {layout})",
        "{source} (split into the {layout} layout)",
    ),
    "source_approximate": (
        "ranh giới gần đúng dựng từ tâm xã chính thức",
        "approximate boundaries from official commune centres",
    ),
    "sources": (
        "Ranh giới: {boundaries} · Danh sách bản: {register}",
        "Boundaries: {boundaries} · Village register: {register}",
    ),
    "sample": (
        "DỮ LIỆU MẪU (tổng hợp, không phải số liệu thật)",
        "SAMPLE DATA (synthetic, not real figures)",
    ),
    "approximate": (
        "Lưu ý: ranh giới hành chính trên bản đồ là gần đúng.",
        "Note: the administrative boundaries on this map are approximate.",
    ),
    "metric_villages_no_mbb": (
        "Số bản chưa có băng rộng di động",
        "Villages without mobile broadband",
    ),
    "metric_share_4g": ("Tỷ lệ bản có sóng 4G", "Share of villages with 4G"),
    "metric_pop_4g_share": ("Tỷ lệ dân số được phủ sóng 4G", "Population covered by 4G"),
    "metric_fibre_hh_share": (
        "Tỷ lệ hộ gia đình dùng cáp quang",
        "Households with a fibre subscription",
    ),
    "unit_count": ("số bản", "villages"),
    "unit_percent": ("%", "%"),
    "legend_nodata": ("Không có dữ liệu", "No data"),
    "legend_villages": ("Bản", "Villages"),
    "legend_uncovered_surveyed": (
        "Bản chưa có băng rộng di động (vị trí khảo sát)",
        "Village without mobile broadband (surveyed location)",
    ),
    "legend_uncovered_estimated": (
        "Bản chưa có băng rộng di động (vị trí ước tính)",
        "Village without mobile broadband (estimated location)",
    ),
    "legend_covered": ("Bản đã có băng rộng di động", "Village with mobile broadband"),
    "legend_covered_estimated": (
        "Bản đã có băng rộng di động (vị trí ước tính)",
        "Village with mobile broadband (estimated location)",
    ),
    "legend_estimated": (
        "Vòng rỗng: vị trí ước tính (không có toạ độ)",
        "Hollow ring: estimated location (no coordinates)",
    ),
    "zoom_hint": (
        "phóng to (mức {z}+) để thấy từng bản",
        "zoom in (level {z}+) to see each village",
    ),
    "legend_district": ("Ranh giới huyện cũ", "Former district boundary"),
    "layer_communes": ("Xã, phường: {metric}", "Communes: {metric}"),
    "layer_uncovered": (
        "Bản chưa có băng rộng di động ({n})",
        "Villages without mobile broadband ({n})",
    ),
    "layer_covered": ("Bản đã có băng rộng di động ({n})", "Villages with mobile broadband ({n})"),
    "layer_newly_covered": (
        "Bản mới có băng rộng di động ({n})",
        "Villages newly covered by mobile broadband ({n})",
    ),
    "layer_still_uncovered": (
        "Bản vẫn chưa có băng rộng di động ({n})",
        "Villages still without mobile broadband ({n})",
    ),
    "layer_newly_uncovered": (
        "Bản mới mất băng rộng di động ({n})",
        "Villages newly without mobile broadband ({n})",
    ),
    "metric_newly_covered": (
        "Số bản mới có băng rộng di động",
        "Villages newly covered by mobile broadband",
    ),
    "change_period": ("Thay đổi {before} → {after}", "Change {before} → {after}"),
    "layer_districts": ("Huyện cũ (trước 01/7/2025)", "Former districts (before 1 July 2025)"),
    "layer_districts_current": ("Huyện", "Districts"),
    "layer_province": ("Ranh giới tỉnh", "Province boundary"),
    "layer_osm": ("Bản đồ nền OpenStreetMap (trực tuyến)", "OpenStreetMap basemap (online)"),
    "field_village": ("Bản", "Village"),
    "field_commune": ("Xã/phường", "Commune"),
    "field_code": ("Mã", "Code"),
    "field_district": ("Huyện cũ", "Former district"),
    "field_households": ("Số hộ", "Households"),
    "field_population": ("Dân số", "Population"),
    "field_signal": ("Sóng di động", "Mobile signal"),
    "field_fibre": ("Cáp quang", "Fibre"),
    "field_grid": ("Điện lưới", "Grid power"),
    "field_location": ("Vị trí", "Location"),
    "field_no_mbb": ("Bản chưa có băng rộng di động", "Villages without mobile broadband"),
    "location_surveyed": ("Khảo sát", "Surveyed"),
    "location_estimated": ("Ước tính (trong xã)", "Estimated (within the commune)"),
    "signal_none": ("Không có sóng", "No signal"),
    "yes": ("Có", "Yes"),
    "no": ("Không", "No"),
    "unknown": ("Không rõ", "Unknown"),
    "search_placeholder": ("Tìm bản, xã…", "Search village, commune…"),
    "search_none": ("Không tìm thấy", "Nothing found"),
    "search_more": ("… và {n} kết quả khác: gõ thêm để thu hẹp", "… and {n} more: type more"),
    "kind_district": ("Huyện cũ", "Former district"),
    "answers_title": ("Tóm tắt", "Summary"),
    "answers_short": ("bản chưa có sóng", "villages without signal"),
    "answers_villages": ("Số bản", "Villages"),
    "answers_no_mbb": ("Bản chưa có băng rộng di động", "Villages without mobile broadband"),
    "answers_hh_no_mbb": ("Số hộ chưa có băng rộng di động", "Households without mobile broadband"),
    "answers_pop_no_mbb": ("Số dân chưa có băng rộng di động", "People without mobile broadband"),
    "answers_share_4g": ("Bản có sóng 4G", "Villages with 4G"),
    "answers_fibre": ("Hộ có cáp quang", "Households with fibre"),
    "answers_ranking": ("Xã nhiều bản chưa có sóng nhất", "Communes with most villages without"),
    "answers_csv": ("Tải CSV", "Download CSV"),
    "answers_scope_province": ("cả tỉnh", "whole province"),
    "answers_scope_commune": ("xã đang chọn", "selected commune"),
    "answers_scope_view": ("vùng đang xem", "current view"),
    "answers_locate": ("Vị trí của tôi", "My location"),
    "answers_locate_none": (
        "Trình duyệt không cho biết vị trí",
        "The browser did not give a location",
    ),
    "answers_nearest": ("Bản chưa có sóng gần nhất: {name}, {km} km", "Nearest: {name}, {km} km"),
    "answers_share": ("Sao chép liên kết", "Copy link"),
    "answers_toggle": ("Tóm tắt và tải dữ liệu", "Summary and downloads"),
    "answers_partial": (
        "Bản đồ quá lớn để liệt kê từng bản: dùng slmap query uncovered",
        "Too many villages to list here: use slmap query uncovered",
    ),
    "popup_uncovered_list": ("Bản chưa có sóng (theo ưu tiên)", "Uncovered villages (by priority)"),
    "popup_priority": ("Điểm ưu tiên", "Priority score"),
    "popup_more": ("… và {n} bản khác", "… and {n} more"),
    "search_label": ("Tìm kiếm", "Search"),
    "kind_village": ("bản", "village"),
    "report_title": (
        "Báo cáo vùng phủ băng rộng di động và cáp quang",
        "Mobile broadband and fibre coverage report",
    ),
    "report_summary": ("Số liệu tổng hợp", "Summary"),
    "report_villages": ("Số bản", "Villages"),
    "report_households_no_mbb": (
        "Số hộ chưa có băng rộng di động",
        "Households without mobile broadband",
    ),
    "report_population_no_mbb": (
        "Số dân chưa có băng rộng di động",
        "People without mobile broadband",
    ),
    "report_uncovered_in": (
        "Bản chưa có băng rộng di động: {n}, xếp theo mức ưu tiên",
        "Villages without mobile broadband: {n}, by priority",
    ),
    "report_none_uncovered": (
        "Mọi bản của xã đã có băng rộng di động.",
        "Every village of this commune has mobile broadband.",
    ),
    "report_continued": ("(tiếp theo, {part}/{parts})", "(continued, {part}/{parts})"),
    "report_page": ("Trang {page}/{pages}", "Page {page}/{pages}"),
    "report_layout": ("Đơn vị hành chính: {layout}", "Administrative layout: {layout}"),
    "report_rank": ("Hạng", "Rank"),
    "report_distance": ("Km tới bản\ncó sóng", "Km to\ncoverage"),
    "report_score": ("Điểm\nưu tiên", "Priority\nscore"),
    "report_grid": ("Điện\nlưới", "Grid\npower"),
    "report_priority_note": (
        "Hạng và điểm như `slmap query priority`: số hộ / (1 + km đến bản có sóng / 5"
        " + 1 khi không có điện lưới, 0,5 khi không rõ).",
        "Rank and score as in `slmap query priority`: households / (1 + km to a covered"
        " village / 5 + 1 without grid power, 0.5 when unknown).",
    ),
}


def _check(lang: str) -> int:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
    return LANGS.index(lang)


def t(key: str, lang: str = "vi", **fields: object) -> str:
    """Return the label ``key`` in ``lang``, with ``{fields}`` filled in.

    Examples
    --------
    >>> t("province", "en", name="Sơn La")
    'Sơn La province'
    """
    text = TEXT[key][_check(lang)]
    return text.format(**fields) if fields else text


def strings(lang: str = "vi") -> dict[str, str]:
    """All labels of ``lang`` as a dict (sent to the map's script).

    Examples
    --------
    >>> strings("en")["yes"]
    'Yes'
    """
    i = _check(lang)
    return {key: pair[i] for key, pair in TEXT.items()}


def format_number(value: float | int | None, lang: str = "vi", decimals: int = 0) -> str:
    """Format a number with the thousands and decimal separators of ``lang``.

    Vietnamese uses ``.`` for thousands and ``,`` for decimals; missing values
    give an empty string.

    Examples
    --------
    >>> format_number(93.2602, "vi", decimals=2)
    '93,26'
    >>> format_number(float("nan"), "vi")
    ''
    """
    _check(lang)
    if value is None:
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    if math.isnan(number):
        return ""
    text = f"{number:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_percent(value: float | None, lang: str = "vi", decimals: int = 1) -> str:
    """Format a percentage (0-100) such as ``93,3 %``; empty when missing.

    Examples
    --------
    >>> format_percent(93.26, "vi")
    '93,3 %'
    """
    text = format_number(value, lang, decimals)
    return f"{text} %" if text else ""
