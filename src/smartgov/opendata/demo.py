"""The open data portal's part of the demo: the themes, and a handful of Hai Phong's datasets modelled on what the
seeds' cities publish (health facilities, schools, foreign and public investment projects, administrative units, the
one-stop shop's indicators), owned by the departments that keep them and linked to the warehouse's open tables where
one exists. Loads what is missing; a second run changes nothing."""

from typing import Any

from smartgov.opendata.models import Dataset, Group
from smartgov.opendata.services import dataset_create, group_create
from smartgov.platform.demo import DemoContext, DemoStep
from smartgov.platform.models import Agency

SITE = "https://dulieu.haiphong.gov.vn/tai-nguyen"

THEMES = [
    ("y-te", "Y tế", "Cơ sở khám chữa bệnh, nhà thuốc, tiêm chủng."),
    ("giao-duc", "Giáo dục", "Trường học các cấp, tuyển sinh."),
    ("dau-tu", "Đầu tư", "Dự án đầu tư công, đầu tư trực tiếp nước ngoài."),
    ("hanh-chinh", "Hành chính công", "Đơn vị hành chính, chỉ số phục vụ người dân và doanh nghiệp."),
]

DATASETS: list[dict[str, Any]] = [
    {
        "name": "co-so-kham-chua-benh",
        "title": "Danh sách cơ sở khám bệnh, chữa bệnh",
        "notes": "Bệnh viện, trung tâm y tế, trạm y tế xã, phường, đặc khu và phòng khám tư nhân được cấp phép hoạt "
        "động trên địa bàn thành phố Hải Phòng: tên, địa chỉ, xã/phường, loại hình, số giường bệnh.",
        "owner_org": "000.00.09.H31",
        "groups": ["y-te"],
        "tags": ["y tế", "bệnh viện", "trạm y tế"],
        "frequency": "monthly",
        "warehouse_table": "co_so_y_te.co_so_kham_chua_benh",
        "resources": [
            ("Danh sách (CSV)", "co-so-kham-chua-benh.csv"),
            ("Bản đồ (GeoJSON)", "co-so-kham-chua-benh.geojson"),
        ],
    },
    {
        "name": "nha-thuoc-quay-thuoc",
        "title": "Nhà thuốc, quầy thuốc đạt chuẩn GPP",
        "notes": "Các cơ sở bán lẻ thuốc được cấp giấy chứng nhận đủ điều kiện kinh doanh dược.",
        "owner_org": "000.00.09.H31",
        "groups": ["y-te"],
        "tags": ["y tế", "dược"],
        "frequency": "quarterly",
        "warehouse_table": "co_so_y_te.nha_thuoc",
        "resources": [("Danh sách (CSV)", "nha-thuoc.csv")],
    },
    {
        "name": "truong-hoc",
        "title": "Danh sách trường học các cấp",
        "notes": "Trường mầm non, tiểu học, trung học cơ sở, trung học phổ thông công lập và ngoài công lập: địa chỉ, "
        "loại hình, số lớp, số học sinh.",
        "owner_org": "000.00.10.H31",
        "groups": ["giao-duc"],
        "tags": ["giáo dục", "trường học"],
        "frequency": "yearly",
        "warehouse_table": "truong_hoc.truong",
        "resources": [("Danh sách (CSV)", "truong-hoc.csv"), ("Danh sách (XLSX)", "truong-hoc.xlsx")],
    },
    {
        "name": "du-an-fdi",
        "title": "Dự án đầu tư trực tiếp nước ngoài (FDI) trong các khu kinh tế, khu công nghiệp",
        "notes": "Dự án được cấp, điều chỉnh giấy chứng nhận đăng ký đầu tư: nhà đầu tư, quốc gia, vốn đăng ký "
        "(USD), khu công nghiệp, ngày cấp.",
        "owner_org": "000.00.15.H31",
        "groups": ["dau-tu"],
        "tags": ["đầu tư", "FDI", "khu công nghiệp"],
        "frequency": "monthly",
        "license_id": "ODC-BY-1.0",
        "resources": [("Danh sách dự án (CSV)", "du-an-fdi.csv")],
    },
    {
        "name": "du-an-dau-tu-cong",
        "title": "Dự án đầu tư công",
        "notes": "Kế hoạch và tiến độ giải ngân vốn đầu tư công theo dự án: chủ đầu tư, tổng mức đầu tư, vốn kế "
        "hoạch năm, giá trị giải ngân.",
        "owner_org": "000.00.03.H31",
        "groups": ["dau-tu"],
        "tags": ["đầu tư công", "ngân sách"],
        "frequency": "quarterly",
        "resources": [("Tiến độ giải ngân (XLSX)", "dau-tu-cong.xlsx")],
    },
    {
        "name": "don-vi-hanh-chinh",
        "title": "Đơn vị hành chính cấp xã của thành phố Hải Phòng",
        "notes": "114 đơn vị hành chính cấp xã từ ngày 1/7/2025 (45 phường, 67 xã, 2 đặc khu) theo Nghị quyết "
        "1669/NQ-UBTVQH15, với mã đơn vị theo Quyết định 19/2025/QĐ-TTg và bảng chuyển đổi từ đơn vị cũ.",
        "owner_org": "000.00.02.H31",
        "groups": ["hanh-chinh"],
        "tags": ["đơn vị hành chính", "xã phường"],
        "frequency": "irregular",
        "license_id": "CC0-1.0",
        "resources": [("Danh sách (CSV)", "don-vi-hanh-chinh.csv"), ("Ranh giới (GeoJSON)", "ranh-gioi.geojson")],
    },
    {
        "name": "chi-so-phuc-vu-hanh-chinh-cong",
        "title": "Chỉ số phục vụ người dân, doanh nghiệp trong giải quyết thủ tục hành chính",
        "notes": "Tỷ lệ hồ sơ trực tuyến, đúng hạn, thanh toán trực tuyến, số hóa theo Quyết định 766/QĐ-TTg, theo "
        "tháng và theo cơ quan.",
        "owner_org": "000.00.16.H31",
        "groups": ["hanh-chinh"],
        "tags": ["hồ sơ", "dịch vụ công", "một cửa"],
        "frequency": "monthly",
        "resources": [("Chỉ số theo tháng (CSV)", "chi-so-766.csv")],
    },
]


def _load(ctx: DemoContext) -> int:
    changed = 0
    for name, title, description in THEMES:
        if not Group.objects.filter(name=name).exists():
            group_create(actor=None, name=name, title=title, description=description)
            changed += 1
    for spec in DATASETS:
        if Dataset.objects.filter(name=spec["name"]).exists():
            continue
        if not Agency.objects.filter(code=spec["owner_org"]).exists():
            continue
        values = {
            **spec,
            "groups": [{"name": group} for group in spec["groups"]],
            "tags": [{"name": tag} for tag in spec["tags"]],
            "resources": [{"name": label, "url": f"{SITE}/{file}"} for label, file in spec["resources"]],
        }
        dataset_create(actor=None, values=values)
        changed += 1
    return changed


STEPS = [DemoStep("datasets", _load, after=("platform.locality",))]
