"""What each procedure's signed result says: the paper the agency issues (a birth registration extract names the
child, the date and place of birth and the parents; a construction permit the plot, the area and the floors),
filled from the dossier's form data.

A template is a title, an opening sentence and the rows of the decision, each row a label and a text with
``{field}`` placeholders: the form's fields, plus ``co_quan`` (the agency holding the dossier), ``ma_ho_so``,
``nguoi_nop`` (the applicant) and ``thu_tuc`` (the procedure's name). Dates typed in a form (``2026-11-20``) are
written day/month/year, decimals with a comma. A procedure without a template of its own gets the generic
one, which lists every field its form has, in the form's order, under the form's own titles: a result never
names only the applicant. The catalog's ``result_title`` and ``result_body``, when a steward sets them, replace
the template's title and opening sentence (the rows stay).

The papers are in Vietnamese only, as the law writes them: these texts are not translated.
"""

import re
from dataclasses import dataclass
from typing import Any

from smartgov.procedures.models import Dossier

GENERIC_TITLE = "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
GENERIC_TEXT = "{co_quan} xác nhận đã giải quyết xong hồ sơ {ma_ho_so} của {nguoi_nop} về thủ tục “{thu_tuc}”."
MISSING = "—"
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class ResultTemplate:
    title: str
    text: str
    #: (label, text with ``{field}`` placeholders); a row whose fields are all empty reads "—".
    rows: tuple[tuple[str, str], ...] = ()
    closing: str = ""


_BIRTH = ResultTemplate(
    title="TRÍCH LỤC KHAI SINH",
    text="{co_quan} đã đăng ký khai sinh cho người có tên dưới đây, theo hồ sơ {ma_ho_so}.",
    rows=(
        ("Họ, chữ đệm, tên", "{ho_ten_tre}"),
        ("Ngày, tháng, năm sinh", "{ngay_sinh}"),
        ("Giới tính", "{gioi_tinh}"),
        ("Dân tộc", "{dan_toc}"),
        ("Nơi sinh", "{noi_sinh}"),
        ("Họ, chữ đệm, tên người mẹ", "{ho_ten_me}"),
        ("Ngày sinh người mẹ", "{ngay_sinh_me}"),
        ("Họ, chữ đệm, tên người cha", "{ho_ten_cha}"),
        ("Ngày sinh người cha", "{ngay_sinh_cha}"),
        ("Người đi đăng ký khai sinh", "{nguoi_nop} ({quan_he})"),
        ("Số bản sao trích lục cấp", "{so_ban}"),
    ),
    closing="Trích lục khai sinh có giá trị chứng minh các thông tin về hộ tịch của người được đăng ký.",
)
_MARRIAGE = ResultTemplate(
    title="GIẤY CHỨNG NHẬN KẾT HÔN",
    text="{co_quan} chứng nhận hai bên có tên dưới đây đã đăng ký kết hôn, theo hồ sơ {ma_ho_so}.",
    rows=(
        ("Họ, chữ đệm, tên bên nam", "{ho_ten_chong}"),
        ("Ngày, tháng, năm sinh bên nam", "{ngay_sinh_chong}"),
        ("Số định danh cá nhân bên nam", "{so_dinh_danh_chong}"),
        ("Họ, chữ đệm, tên bên nữ", "{ho_ten_vo}"),
        ("Ngày, tháng, năm sinh bên nữ", "{ngay_sinh_vo}"),
        ("Số định danh cá nhân bên nữ", "{so_dinh_danh_vo}"),
    ),
)
_DEATH = ResultTemplate(
    title="TRÍCH LỤC KHAI TỬ",
    text="{co_quan} đã đăng ký khai tử cho người có tên dưới đây, theo hồ sơ {ma_ho_so}.",
    rows=(
        ("Họ, chữ đệm, tên người đã chết", "{ho_ten_nguoi_chet}"),
        ("Ngày, tháng, năm sinh", "{ngay_sinh_nguoi_chet}"),
        ("Ngày, tháng, năm chết", "{ngay_chet}"),
        ("Nơi chết", "{noi_chet}"),
        ("Người đi đăng ký khai tử", "{nguoi_nop} ({quan_he})"),
    ),
)


def _request(title: str, text: str, subject: str = "Nội dung") -> ResultTemplate:
    """A paper that answers a request written in words (``noi_dung``), in ``so_ban`` copies."""
    return ResultTemplate(
        title=title,
        text=text,
        rows=(("Người yêu cầu", "{nguoi_nop}"), (subject, "{noi_dung}"), ("Số bản cấp", "{so_ban}")),
    )


def _household_business(title: str, text: str) -> ResultTemplate:
    return ResultTemplate(
        title=title,
        text=text,
        rows=(
            ("Tên hộ kinh doanh", "{ten_ho_kinh_doanh}"),
            ("Mã số hộ kinh doanh", "{ma_so_ho_kinh_doanh}"),
            ("Chủ hộ kinh doanh", "{nguoi_nop}"),
            ("Nội dung đăng ký", "{noi_dung}"),
        ),
    )


def _construction(title: str, text: str) -> ResultTemplate:
    return ResultTemplate(
        title=title,
        text=text,
        rows=(
            ("Cấp cho", "{nguoi_nop}"),
            ("Địa điểm xây dựng", "{dia_diem}"),
            ("Lô đất", "thửa đất số {so_thua}, tờ bản đồ số {to_ban_do}"),
            ("Diện tích xây dựng tầng 1", "{dien_tich_xay_dung} m²"),
            ("Số tầng", "{so_tang}"),
        ),
        closing="Chủ đầu tư phải thực hiện đúng nội dung giấy phép và thông báo ngày khởi công cho cơ quan cấp phép.",
    )


def _work_permit(title: str, text: str) -> ResultTemplate:
    return ResultTemplate(
        title=title,
        text=text,
        rows=(
            ("Họ và tên", "{ho_ten_nguoi_lao_dong}"),
            ("Quốc tịch", "{quoc_tich}"),
            ("Số hộ chiếu", "{so_ho_chieu}"),
            ("Vị trí công việc", "{vi_tri_cong_viec}"),
            ("Người sử dụng lao động", "{nguoi_nop}"),
        ),
    )


#: The templates by procedure code (National Database on Administrative Procedures).
TEMPLATES: dict[str, ResultTemplate] = {
    "1.001193": _BIRTH,
    "1.000689": _BIRTH,
    "1.000894": _MARRIAGE,
    "1.000593": _MARRIAGE,
    "1.000656": _DEATH,
    "1.000419": _DEATH,
    "1.004873": _request(
        "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
        "{co_quan} xác nhận tình trạng hôn nhân của người có tên dưới đây, theo hồ sơ {ma_ho_so}.",
        "Mục đích sử dụng",
    ),
    "1.004884": _request(
        "TRÍCH LỤC KHAI SINH (ĐĂNG KÝ LẠI)",
        "{co_quan} đã đăng ký lại việc khai sinh theo yêu cầu dưới đây, hồ sơ {ma_ho_so}.",
    ),
    "2.000635": _request(
        "BẢN SAO TRÍCH LỤC HỘ TỊCH",
        "{co_quan} cấp bản sao trích lục hộ tịch theo yêu cầu dưới đây, hồ sơ {ma_ho_so}.",
    ),
    "2.000815": ResultTemplate(
        title="CHỨNG THỰC BẢN SAO ĐÚNG VỚI BẢN CHÍNH",
        text="{co_quan} chứng thực bản sao dưới đây đúng với bản chính, theo hồ sơ {ma_ho_so}.",
        rows=(
            ("Người yêu cầu", "{nguoi_nop}"),
            ("Giấy tờ, văn bản", "{noi_dung}"),
            ("Số trang", "{so_trang}"),
            ("Số bản sao được chứng thực", "{so_ban}"),
        ),
    ),
    "2.000884": _request(
        "CHỨNG THỰC CHỮ KÝ",
        "{co_quan} chứng thực chữ ký của người có tên dưới đây trên giấy tờ, văn bản nêu dưới, hồ sơ {ma_ho_so}.",
        "Giấy tờ, văn bản",
    ),
    "2.000942": _request(
        "CHỨNG THỰC BẢN SAO HỢP ĐỒNG, GIAO DỊCH",
        "{co_quan} cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch dưới đây, hồ sơ {ma_ho_so}.",
        "Hợp đồng, giao dịch",
    ),
    "2.000720": _household_business(
        "GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH (THAY ĐỔI)",
        "{co_quan} chứng nhận thay đổi nội dung đăng ký của hộ kinh doanh dưới đây, hồ sơ {ma_ho_so}.",
    ),
    "1.001570": _household_business(
        "GIẤY XÁC NHẬN VỀ VIỆC TẠM NGỪNG HOẶC TIẾP TỤC KINH DOANH",
        "{co_quan} xác nhận hộ kinh doanh dưới đây đã thông báo tạm ngừng hoặc tiếp tục kinh doanh, hồ sơ {ma_ho_so}.",
    ),
    "1.001266": _household_business(
        "THÔNG BÁO VỀ VIỆC CHẤM DỨT HOẠT ĐỘNG HỘ KINH DOANH",
        "{co_quan} xác nhận hộ kinh doanh dưới đây đã chấm dứt hoạt động, hồ sơ {ma_ho_so}.",
    ),
    "2.000575": _household_business(
        "GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH (CẤP LẠI)",
        "{co_quan} cấp lại giấy chứng nhận đăng ký cho hộ kinh doanh dưới đây, hồ sơ {ma_ho_so}.",
    ),
    "1.013225": _construction(
        "GIẤY PHÉP XÂY DỰNG (NHÀ Ở RIÊNG LẺ)",
        "{co_quan} cho phép xây dựng công trình nhà ở riêng lẻ dưới đây, theo hồ sơ {ma_ho_so}.",
    ),
    "1.013227": _construction(
        "GIA HẠN GIẤY PHÉP XÂY DỰNG",
        "{co_quan} gia hạn giấy phép xây dựng cho công trình dưới đây, theo hồ sơ {ma_ho_so}.",
    ),
    "1.013228": _construction(
        "GIẤY PHÉP XÂY DỰNG (CẤP LẠI)",
        "{co_quan} cấp lại giấy phép xây dựng cho công trình dưới đây, theo hồ sơ {ma_ho_so}.",
    ),
    "1.014199": _work_permit(
        "GIẤY PHÉP LAO ĐỘNG",
        "{co_quan} cấp giấy phép lao động cho người lao động nước ngoài dưới đây, theo hồ sơ {ma_ho_so}.",
    ),
    "1.014200": _work_permit(
        "GIẤY PHÉP LAO ĐỘNG (CẤP LẠI)",
        "{co_quan} cấp lại giấy phép lao động cho người lao động nước ngoài dưới đây, theo hồ sơ {ma_ho_so}.",
    ),
    "1.014201": _work_permit(
        "GIA HẠN GIẤY PHÉP LAO ĐỘNG",
        "{co_quan} gia hạn giấy phép lao động cho người lao động nước ngoài dưới đây, theo hồ sơ {ma_ho_so}.",
    ),
}


def _written(value: Any) -> str:
    """A form value as the paper writes it: dates day/month/year, decimals with a comma, yes/no in words."""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        match = _ISO_DATE.match(value.strip())
        return f"{match[3]}/{match[2]}/{match[1]}" if match else value.strip()
    return ""  # a list or an object is not written on the paper


class _Values(dict[str, str]):
    """The values a template reads; a field the form does not have (or left empty) reads as empty."""

    def __missing__(self, key: str) -> str:
        return ""


def _fill(text: str, values: _Values) -> str:
    try:
        return text.format_map(values)
    except (ValueError, IndexError, AttributeError, KeyError):  # a broken template must not stop the approval
        return text


@dataclass(frozen=True)
class ResultContent:
    title: str
    text: str
    rows: list[tuple[str, str]]
    closing: str


def result_content(dossier: Dossier) -> ResultContent:
    """The filled-in result of ``dossier``: its procedure's template, or the generic one."""
    procedure = dossier.procedure
    form = {k: _written(v) for k, v in (dossier.form_data or {}).items()}
    values = _Values({k: v for k, v in form.items() if v})
    values.update(
        co_quan=dossier.current_agency.name,
        ma_ho_so=dossier.code or "",
        nguoi_nop=dossier.applicant_name,
        thu_tuc=procedure.name,
    )
    template = TEMPLATES.get(procedure.code)
    if template is None:
        properties = (procedure.form_schema or {}).get("properties", {})
        rows = tuple((str(spec.get("title") or name), f"{{{name}}}") for name, spec in properties.items())
        template = ResultTemplate(title=GENERIC_TITLE, text=GENERIC_TEXT, rows=rows)
        filled = [(label, _fill(text, values)) for label, text in template.rows]
        filled = [(label, value) for label, value in filled if value]  # the generic paper lists what was given
    else:
        filled = [(label, _row(text, values)) for label, text in template.rows]
    title = _fill(procedure.result_title, values) if procedure.result_title else template.title
    text = _fill(procedure.result_body or template.text, values)
    return ResultContent(title=title, text=text, rows=filled, closing=_fill(template.closing, values))


def _row(text: str, values: _Values) -> str:
    """One row of a template: "—" when none of its fields has a value (a father's name left empty reads "—", not
    "()" or a lone unit)."""
    fields = re.findall(r"\{(\w+)\}", text)
    if fields and not any(values.get(f) for f in fields):
        return MISSING
    filled = _fill(text, values)
    return re.sub(r"\s*\(\)", "", filled)  # "Nguyễn Thị Mai ()" when the relation was not given
