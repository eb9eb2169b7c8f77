"""Demo catalogue: the real procedures of DOMAIN.md §12 (birth and marriage registration,
judicial records, household business registration) with their components, times, fees and
legal bases, plus about thirty other common procedures across fields, published over the
demo units of portal/demo.py.

National codes other than those of §12 follow the national database's format and are
illustrative: verify them (and every fee, which the provincial People's Council sets) against
the national procedure database before using this data outside a demo.

Idempotent: a procedure that already exists is left untouched (dossiers may point at it).
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction

from portal.models import Unit, UnitLevel

from .eforms import library as eform_library
from .models import (
    ComponentRequirement,
    Fee,
    Field,
    LegalDocument,
    Procedure,
    ProcedureMethod,
    ProcedureVersion,
    RouteStep,
)
from .text import fee_is_optional

FIELDS = [
    ("ho-tich", "Hộ tịch"),
    ("chung-thuc", "Chứng thực"),
    ("ly-lich-tu-phap", "Lý lịch tư pháp"),
    ("nuoi-con-nuoi", "Nuôi con nuôi"),
    ("dat-dai", "Đất đai"),
    ("xay-dung", "Hoạt động xây dựng"),
    ("ho-kinh-doanh", "Thành lập và hoạt động của hộ kinh doanh"),
    ("bao-tro-xa-hoi", "Bảo trợ xã hội"),
    ("nguoi-co-cong", "Người có công"),
    ("giao-duc", "Giáo dục và Đào tạo"),
    ("y-te", "An toàn thực phẩm và Y tế"),
    ("pho-bien-phap-luat", "Phổ biến, giáo dục pháp luật"),
]

D = datetime.date
LEGAL = [
    # number, title, issuer, issued, effective, expired, replaced by
    ("60/2014/QH13", "Luật Hộ tịch", "Quốc hội", D(2014, 11, 20), D(2016, 1, 1), None, None),
    ("123/2015/NĐ-CP", "Nghị định quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch",
     "Chính phủ", D(2015, 11, 15), D(2016, 1, 1), None, None),
    ("04/2020/TT-BTP", "Thông tư quy định chi tiết thi hành một số điều của Luật Hộ tịch và Nghị định số "
     "123/2015/NĐ-CP", "Bộ Tư pháp", D(2020, 5, 28), D(2020, 7, 16), None, None),
    ("15/2015/TT-BTP", "Thông tư quy định chi tiết thi hành một số điều của Luật Hộ tịch và Nghị định số "
     "123/2015/NĐ-CP", "Bộ Tư pháp", D(2015, 11, 16), D(2016, 1, 1), D(2020, 7, 16), "04/2020/TT-BTP"),
    ("85/2019/TT-BTC", "Thông tư hướng dẫn về phí và lệ phí thuộc thẩm quyền quyết định của Hội đồng nhân "
     "dân tỉnh, thành phố trực thuộc Trung ương", "Bộ Tài chính", D(2019, 11, 29), D(2020, 1, 15), None, None),
    ("281/2016/TT-BTC", "Thông tư quy định mức thu, chế độ thu, nộp, quản lý và sử dụng phí khai thác, sử "
     "dụng thông tin trong cơ sở dữ liệu hộ tịch", "Bộ Tài chính", D(2016, 11, 14), D(2017, 1, 1), None, None),
    ("28/2009/QH12", "Luật Lý lịch tư pháp", "Quốc hội", D(2009, 6, 17), D(2010, 7, 1), None, None),
    ("16/2013/TT-BTP", "Thông tư sửa đổi, bổ sung Thông tư số 13/2011/TT-BTP về ban hành và hướng dẫn sử "
     "dụng biểu mẫu và mẫu sổ lý lịch tư pháp", "Bộ Tư pháp", D(2013, 11, 11), D(2014, 1, 1), None, None),
    ("244/2016/TT-BTC", "Thông tư quy định mức thu, chế độ thu, nộp, quản lý và sử dụng phí cung cấp thông "
     "tin lý lịch tư pháp", "Bộ Tài chính", D(2016, 11, 11), D(2017, 1, 1), None, None),
    ("23/2015/NĐ-CP", "Nghị định về cấp bản sao từ sổ gốc, chứng thực bản sao từ bản chính, chứng thực chữ "
     "ký và chứng thực hợp đồng, giao dịch", "Chính phủ", D(2015, 2, 16), D(2015, 4, 10), None, None),
    ("01/2020/TT-BTP", "Thông tư quy định chi tiết và hướng dẫn thi hành Nghị định số 23/2015/NĐ-CP",
     "Bộ Tư pháp", D(2020, 3, 3), D(2020, 4, 20), None, None),
    ("226/2016/TT-BTC", "Thông tư quy định mức thu, chế độ thu, nộp, quản lý và sử dụng phí chứng thực",
     "Bộ Tài chính", D(2016, 11, 11), D(2017, 1, 1), None, None),
    ("52/2010/QH12", "Luật Nuôi con nuôi", "Quốc hội", D(2010, 6, 17), D(2011, 1, 1), None, None),
    ("19/2011/NĐ-CP", "Nghị định quy định chi tiết thi hành một số điều của Luật Nuôi con nuôi", "Chính phủ",
     D(2011, 3, 21), D(2011, 5, 5), None, None),
    ("45/2013/QH13", "Luật Đất đai 2013", "Quốc hội", D(2013, 11, 29), D(2014, 7, 1), D(2024, 8, 1),
     "31/2024/QH15"),
    ("31/2024/QH15", "Luật Đất đai", "Quốc hội", D(2024, 1, 18), D(2024, 8, 1), None, None),
    ("101/2024/NĐ-CP", "Nghị định quy định về điều tra cơ bản đất đai; đăng ký, cấp Giấy chứng nhận quyền "
     "sử dụng đất, quyền sở hữu tài sản gắn liền với đất và hệ thống thông tin đất đai", "Chính phủ",
     D(2024, 7, 29), D(2024, 8, 1), None, None),
    ("50/2014/QH13", "Luật Xây dựng", "Quốc hội", D(2014, 6, 18), D(2015, 1, 1), None, None),
    ("62/2020/QH14", "Luật sửa đổi, bổ sung một số điều của Luật Xây dựng", "Quốc hội", D(2020, 6, 17),
     D(2021, 1, 1), None, None),
    ("175/2024/NĐ-CP", "Nghị định quy định chi tiết một số điều và biện pháp thi hành Luật Xây dựng về quản "
     "lý hoạt động xây dựng", "Chính phủ", D(2024, 12, 30), D(2024, 12, 30), None, None),
    ("15/2021/NĐ-CP", "Nghị định quy định chi tiết một số nội dung về quản lý dự án đầu tư xây dựng",
     "Chính phủ", D(2021, 3, 3), D(2021, 3, 3), D(2024, 12, 30), "175/2024/NĐ-CP"),
    ("01/2021/NĐ-CP", "Nghị định về đăng ký doanh nghiệp", "Chính phủ", D(2021, 1, 4), D(2021, 1, 4), None,
     None),
    ("20/2021/NĐ-CP", "Nghị định quy định chính sách trợ giúp xã hội đối với đối tượng bảo trợ xã hội",
     "Chính phủ", D(2021, 3, 15), D(2021, 7, 1), None, None),
    ("02/2020/UBTVQH14", "Pháp lệnh Ưu đãi người có công với cách mạng", "Ủy ban Thường vụ Quốc hội",
     D(2020, 12, 9), D(2021, 7, 1), None, None),
    ("131/2021/NĐ-CP", "Nghị định quy định chi tiết và biện pháp thi hành Pháp lệnh Ưu đãi người có công "
     "với cách mạng", "Chính phủ", D(2021, 12, 30), D(2022, 2, 15), None, None),
    ("43/2019/QH14", "Luật Giáo dục", "Quốc hội", D(2019, 6, 14), D(2020, 7, 1), None, None),
    ("55/2010/QH12", "Luật An toàn thực phẩm", "Quốc hội", D(2010, 6, 17), D(2011, 7, 1), None, None),
    ("15/2018/NĐ-CP", "Nghị định quy định chi tiết thi hành một số điều của Luật An toàn thực phẩm",
     "Chính phủ", D(2018, 2, 2), D(2018, 2, 2), None, None),
    ("14/2012/QH13", "Luật Phổ biến, giáo dục pháp luật", "Quốc hội", D(2012, 6, 20), D(2013, 1, 1), None,
     None),
]

ID = "Giấy tờ tùy thân có ảnh (CCCD, hộ chiếu) của người yêu cầu — xuất trình"
AUTH = "Văn bản ủy quyền theo quy định của pháp luật (trường hợp ủy quyền)"

# Routes. Handlers: "counter" (the receiving counter), a level code, or a unit code.
COMMUNE_SAME_DAY = [
    ("counter", "Tiếp nhận, kiểm tra hồ sơ, cập nhật vào hệ thống", "1"),
    ("commune", "Công chức Tư pháp - Hộ tịch thẩm định, ghi sổ, trình ký", "4"),
    ("commune", "Lãnh đạo UBND cấp xã ký kết quả", "2"),
    ("counter", "Trả kết quả cho người yêu cầu", "1"),
]


def commune_route(days):
    days = Decimal(days)
    return [
        ("counter", "Tiếp nhận, kiểm tra hồ sơ, chuyển công chức chuyên môn", "0.5"),
        ("commune", "Thẩm định hồ sơ, xác minh (nếu cần), dự thảo kết quả", str(days - 2)),
        ("commune", "Lãnh đạo UBND cấp xã xem xét, ký kết quả", "1"),
        ("counter", "Vào sổ, trả kết quả", "0.5"),
    ]


def district_route(days, office="district-office", office_action="Phòng chuyên môn thẩm định, trình ký"):
    days = Decimal(days)
    return [
        ("counter", "Bộ phận Một cửa cấp huyện tiếp nhận, kiểm tra hồ sơ", "0.5"),
        (office, office_action, str(days - 2)),
        ("district", "Lãnh đạo UBND cấp huyện ký kết quả", "1"),
        ("counter", "Trả kết quả", "0.5"),
    ]


def province_route(days, unit, action="Sở chuyên ngành thẩm định, trình lãnh đạo Sở ký"):
    days = Decimal(days)
    return [
        ("counter", "Trung tâm Phục vụ hành chính công tỉnh tiếp nhận, chuyển hồ sơ", "0.5"),
        (unit, action, str(days - 1)),
        ("counter", "Trả kết quả", "0.5"),
    ]


# Each procedure: code, field, name, level, receiving ("commune" | "district" | "province"),
# time unit, time, online level, route, components, fees, legal basis, subjects, result, extras.
PROCEDURES = [
    # --- DOMAIN.md §12 -----------------------------------------------------------------------
    dict(
        code="1.001193", field="ho-tich", name="Đăng ký khai sinh", level="commune", receiving="commune",
        time_unit="same_day", time="8", online=4, route=COMMUNE_SAME_DAY,
        time_note="Ngay trong ngày tiếp nhận hồ sơ; hồ sơ nhận sau 15 giờ mà không giải quyết được ngay thì "
        "trả kết quả trong ngày làm việc tiếp theo.",
        components=[
            ("Tờ khai đăng ký khai sinh (theo mẫu)", 1, 0, 0, True, "to-khai-dang-ky-khai-sinh"),
            ("Giấy chứng sinh; trường hợp không có thì văn bản của người làm chứng xác nhận về việc sinh hoặc "
             "giấy cam đoan về việc sinh", 1, 0, 0, True, None),
            (ID, 0, 0, 0, True, None),
            (AUTH, 1, 0, 0, False, None),
        ],
        fees=[
            ("Lệ phí đăng ký khai sinh", 0, "Miễn lệ phí đăng ký khai sinh đúng hạn, người thuộc gia đình có "
             "công với cách mạng, hộ nghèo, người khuyết tật."),
            ("Phí cấp bản sao trích lục khai sinh (nếu yêu cầu)", 8000, "8.000 đồng/bản sao trích lục."),
        ],
        legal=["60/2014/QH13", "123/2015/NĐ-CP", "04/2020/TT-BTP", "85/2019/TT-BTC", "281/2016/TT-BTC"],
        subjects="Cha, mẹ, ông, bà, người thân thích khác hoặc cá nhân, tổ chức đang nuôi dưỡng trẻ em.",
        result="Giấy khai sinh (bản chính); bản sao trích lục khai sinh nếu có yêu cầu.",
        requirements="Trong thời hạn 60 ngày kể từ ngày sinh con, cha hoặc mẹ có trách nhiệm đăng ký khai "
        "sinh cho con.",
        settled_on_spot=False,
    ),
    dict(
        code="1.000894", field="ho-tich", name="Đăng ký kết hôn", level="commune", receiving="commune",
        time_unit="same_day", time="8", online=3, route=COMMUNE_SAME_DAY,
        time_note="Ngay trong ngày; trường hợp cần xác minh điều kiện kết hôn thì không quá 05 ngày làm việc.",
        components=[
            ("Tờ khai đăng ký kết hôn (theo mẫu)", 1, 0, 0, True, "to-khai-dang-ky-ket-hon"),
            ("Giấy xác nhận tình trạng hôn nhân (trường hợp đăng ký kết hôn tại xã không phải nơi thường "
             "trú)", 1, 0, 0, False, None),
            ("Giấy tờ tùy thân có ảnh của hai bên nam, nữ — xuất trình", 0, 0, 0, True, None),
        ],
        fees=[("Lệ phí đăng ký kết hôn", 0, "Mức thu do HĐND tỉnh quy định; nhiều tỉnh miễn lệ phí đăng ký "
               "kết hôn trong nước.")],
        legal=["60/2014/QH13", "123/2015/NĐ-CP", "04/2020/TT-BTP", "85/2019/TT-BTC"],
        subjects="Nam, nữ công dân Việt Nam đủ điều kiện kết hôn theo Luật Hôn nhân và gia đình.",
        result="Giấy chứng nhận kết hôn (mỗi bên vợ, chồng một bản chính).",
        requirements="Hai bên nam, nữ phải có mặt khi đăng ký kết hôn.",
    ),
    dict(
        code="2.001417", field="ly-lich-tu-phap",
        name="Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam",
        level="province-department", receiving="province", implementing=["H56.15"],
        time_unit="working_days", time="10", online=4, route=province_route("10", "H56.15",
        "Sở Tư pháp tra cứu, xác minh thông tin lý lịch tư pháp, lập và ký Phiếu"),
        time_note="Không quá 10 ngày làm việc; trường hợp phải xác minh hoặc người có án tích thì không quá "
        "15 ngày.",
        components=[
            ("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (Mẫu số 03/2013/TT-LLTP)", 1, 0, 0, True,
             "to-khai-ly-lich-tu-phap"),
            ("Bản chụp giấy chứng minh nhân dân, thẻ căn cước công dân hoặc hộ chiếu", 0, 0, 1, True, None),
            ("Văn bản ủy quyền (trường hợp ủy quyền làm thủ tục yêu cầu cấp Phiếu số 1)", 1, 0, 0, False, None),
        ],
        fees=[("Phí cung cấp thông tin lý lịch tư pháp", 200000,
               "100.000 đồng/lần/người đối với sinh viên, người có công với cách mạng, thân nhân liệt sĩ. Miễn "
               "phí cho trẻ em, người cao tuổi, người khuyết tật, người thuộc hộ nghèo, người cư trú ở xã đặc "
               "biệt khó khăn. Từ Phiếu thứ 3 trở đi thu thêm 5.000 đồng/Phiếu.")],
        legal=["28/2009/QH12", "16/2013/TT-BTP", "244/2016/TT-BTC"],
        subjects="Công dân Việt Nam; người nước ngoài đã hoặc đang cư trú tại Việt Nam.",
        result="Phiếu lý lịch tư pháp số 1 hoặc số 2.",
    ),
    dict(
        code="2.000720", field="ho-kinh-doanh", name="Đăng ký thành lập hộ kinh doanh", level="commune",
        receiving="commune", time_unit="working_days", time="3", online=4, route=commune_route("3"),
        components=[
            ("Giấy đề nghị đăng ký hộ kinh doanh", 1, 0, 0, True, "giay-de-nghi-dang-ky-ho-kinh-doanh"),
            ("Bản sao giấy tờ pháp lý của cá nhân đối với chủ hộ kinh doanh, thành viên hộ gia đình đăng ký "
             "hộ kinh doanh", 0, 1, 0, True, None),
            ("Bản sao biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh (trường hợp các "
             "thành viên hộ gia đình đăng ký hộ kinh doanh)", 0, 1, 0, False, None),
            ("Bản sao văn bản ủy quyền của thành viên hộ gia đình cho một thành viên làm chủ hộ kinh doanh",
             0, 1, 0, False, None),
        ],
        fees=[("Lệ phí đăng ký hộ kinh doanh", 100000, "Mức thu do HĐND tỉnh quy định; miễn lệ phí khi đăng "
               "ký qua mạng điện tử theo nghị quyết của tỉnh (nếu có).")],
        legal=["01/2021/NĐ-CP", "85/2019/TT-BTC"],
        subjects="Cá nhân, thành viên hộ gia đình là công dân Việt Nam có năng lực hành vi dân sự đầy đủ.",
        result="Giấy chứng nhận đăng ký hộ kinh doanh.",
    ),
    # --- Hộ tịch -------------------------------------------------------------------------------
    dict(code="1.000656", field="ho-tich", name="Đăng ký khai tử", level="commune", receiving="commune",
         time_unit="same_day", time="8", online=4, route=COMMUNE_SAME_DAY,
         components=[("Tờ khai đăng ký khai tử (theo mẫu)", 1, 0, 0, True, None),
                     ("Giấy báo tử hoặc giấy tờ thay thế Giấy báo tử", 1, 0, 0, True, None), (ID, 0, 0, 0, True, None)],
         fees=[("Lệ phí đăng ký khai tử", 0, "Miễn lệ phí đăng ký khai tử đúng hạn.")],
         legal=["60/2014/QH13", "123/2015/NĐ-CP", "04/2020/TT-BTP"],
         subjects="Người thân thích của người chết; cơ quan, tổ chức.", result="Trích lục khai tử."),
    dict(code="1.004837", field="ho-tich", name="Đăng ký giám hộ", level="commune", receiving="commune",
         time_unit="working_days", time="3", online=3, route=commune_route("3"),
         components=[("Tờ khai đăng ký giám hộ (theo mẫu)", 1, 0, 0, True, None),
                     ("Văn bản cử người giám hộ", 1, 0, 0, True, None), (ID, 0, 0, 0, True, None)],
         fees=[("Lệ phí đăng ký giám hộ", 0, "Mức thu do HĐND tỉnh quy định.")],
         legal=["60/2014/QH13", "123/2015/NĐ-CP", "15/2015/TT-BTP"],
         subjects="Cá nhân, tổ chức được cử làm người giám hộ.", result="Trích lục đăng ký giám hộ."),
    dict(code="1.001022", field="ho-tich", name="Đăng ký nhận cha, mẹ, con", level="commune",
         receiving="commune", time_unit="working_days", time="3", online=3, route=commune_route("3"),
         time_note="Trường hợp cần xác minh thì kéo dài không quá 05 ngày làm việc.",
         components=[("Tờ khai đăng ký nhận cha, mẹ, con (theo mẫu)", 1, 0, 0, True, None),
                     ("Văn bản của cơ quan y tế, giám định hoặc chứng cứ chứng minh quan hệ cha, mẹ, con", 1, 1, 0,
                      True, None), (ID, 0, 0, 0, True, None)],
         fees=[("Lệ phí đăng ký nhận cha, mẹ, con", 0, "Mức thu do HĐND tỉnh quy định.")],
         legal=["60/2014/QH13", "123/2015/NĐ-CP", "04/2020/TT-BTP"],
         subjects="Cha, mẹ, con.", result="Trích lục đăng ký nhận cha, mẹ, con."),
    dict(code="1.004859", field="ho-tich", name="Đăng ký lại khai sinh", level="commune", receiving="commune",
         time_unit="working_days", time="5", online=3, route=commune_route("5"),
         components=[("Tờ khai đăng ký lại khai sinh (theo mẫu)", 1, 0, 0, True, None),
                     ("Bản sao Giấy khai sinh hoặc giấy tờ có nội dung khai sinh", 0, 1, 0, True, None)],
         fees=[("Lệ phí đăng ký lại khai sinh", 0, "Mức thu do HĐND tỉnh quy định.")],
         legal=["60/2014/QH13", "123/2015/NĐ-CP", "04/2020/TT-BTP"],
         subjects="Người đã đăng ký khai sinh nhưng sổ hộ tịch và bản chính giấy tờ đều bị mất.",
         result="Giấy khai sinh (bản chính)."),
    dict(code="1.004873", field="ho-tich", name="Cấp Giấy xác nhận tình trạng hôn nhân", level="commune",
         receiving="commune", time_unit="working_days", time="3", online=4, route=commune_route("3"),
         components=[("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân (theo mẫu)", 1, 0, 0, True, None),
                     ("Bản án, quyết định ly hôn hoặc trích lục khai tử (nếu đã kết hôn)", 0, 1, 0, False, None)],
         fees=[("Lệ phí cấp Giấy xác nhận tình trạng hôn nhân", 0, "Mức thu do HĐND tỉnh quy định.")],
         legal=["60/2014/QH13", "123/2015/NĐ-CP", "04/2020/TT-BTP"],
         subjects="Công dân Việt Nam cư trú trong nước.", result="Giấy xác nhận tình trạng hôn nhân."),
    dict(code="2.000635", field="ho-tich", name="Cấp bản sao trích lục hộ tịch", level="commune",
         receiving="commune", time_unit="same_day", time="4", online=4,
         route=[("counter", "Tiếp nhận yêu cầu", "0.5"), ("commune", "Tra cứu sổ hộ tịch, in trích lục", "2"),
                ("commune", "Ký bản sao trích lục", "1"), ("counter", "Trả kết quả", "0.5")],
         components=[("Tờ khai cấp bản sao trích lục hộ tịch (theo mẫu)", 1, 0, 0, True, None)],
         fees=[("Phí cấp bản sao trích lục hộ tịch", 8000, "8.000 đồng/bản sao.")],
         legal=["60/2014/QH13", "123/2015/NĐ-CP", "281/2016/TT-BTC"],
         subjects="Cá nhân có yêu cầu.", result="Bản sao trích lục hộ tịch.", settled_on_spot=True),
    dict(code="1.001766", field="ho-tich", name="Thay đổi, cải chính, bổ sung thông tin hộ tịch",
         level="commune", receiving="commune", time_unit="working_days", time="3", online=3,
         route=commune_route("3"), time_note="Trường hợp cần xác minh thì không quá 06 ngày làm việc.",
         components=[("Tờ khai thay đổi, cải chính, bổ sung thông tin hộ tịch (theo mẫu)", 1, 0, 0, True, None),
                     ("Giấy tờ liên quan làm căn cứ thay đổi, cải chính, bổ sung", 0, 1, 0, True, None)],
         fees=[("Lệ phí thay đổi, cải chính hộ tịch", 0, "Mức thu do HĐND tỉnh quy định.")],
         legal=["60/2014/QH13", "123/2015/NĐ-CP", "04/2020/TT-BTP"],
         subjects="Cá nhân có yêu cầu.", result="Trích lục thay đổi, cải chính, bổ sung thông tin hộ tịch."),
    dict(code="1.000080", field="ho-tich", name="Đăng ký khai sinh có yếu tố nước ngoài", level="district",
         receiving="district", implementing=["H56.20", "H56.30"], time_unit="working_days", time="3", online=3,
         route=[("counter", "Tiếp nhận hồ sơ", "0.5"),
                ("district-office", "Phòng Tư pháp thẩm định, trình ký", "1.5"),
                ("district", "Lãnh đạo UBND cấp huyện ký Giấy khai sinh", "0.5"), ("counter", "Trả kết quả", "0.5")],
         components=[("Tờ khai đăng ký khai sinh (theo mẫu)", 1, 0, 0, True, None),
                     ("Giấy chứng sinh", 1, 0, 0, True, None),
                     ("Văn bản thỏa thuận của cha, mẹ về việc chọn quốc tịch cho con", 1, 0, 0, False, None)],
         fees=[("Lệ phí đăng ký khai sinh có yếu tố nước ngoài", 75000, "Mức thu do HĐND tỉnh quy định.")],
         legal=["60/2014/QH13", "123/2015/NĐ-CP", "04/2020/TT-BTP"],
         subjects="Trẻ em có cha hoặc mẹ là người nước ngoài.", result="Giấy khai sinh."),
    dict(code="1.000094", field="nuoi-con-nuoi", name="Đăng ký việc nuôi con nuôi trong nước",
         level="commune", receiving="commune", time_unit="calendar_days", time="30", online=2,
         route=[("counter", "Tiếp nhận hồ sơ", "1"),
                ("commune", "Lấy ý kiến của những người liên quan, kiểm tra hồ sơ", "26"),
                ("commune", "Chủ tịch UBND cấp xã ký quyết định", "2"), ("counter", "Tổ chức giao nhận con nuôi", "1")],
         components=[("Đơn xin nhận con nuôi (theo mẫu)", 1, 0, 0, True, None),
                     ("Phiếu lý lịch tư pháp của người nhận con nuôi", 1, 0, 0, True, None),
                     ("Văn bản xác nhận tình trạng sức khỏe, hoàn cảnh kinh tế của người nhận con nuôi", 1, 0, 0,
                      True, None), ("Giấy khai sinh của người được nhận làm con nuôi", 0, 1, 0, True, None)],
         fees=[("Lệ phí đăng ký nuôi con nuôi trong nước", 400000, "Miễn cho cha dượng, mẹ kế, cô, cậu, dì, "
                "chú, bác ruột nhận con nuôi; người nhận trẻ em khuyết tật, nhiễm HIV.")],
         legal=["52/2010/QH12", "19/2011/NĐ-CP"],
         subjects="Công dân Việt Nam thường trú trong nước.", result="Giấy chứng nhận nuôi con nuôi."),
    # --- Chứng thực ------------------------------------------------------------------------------
    dict(code="2.000815", field="chung-thuc",
         name="Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp",
         level="commune", receiving="commune", time_unit="same_day", time="2", online=2,
         route=[("counter", "Tiếp nhận, đối chiếu bản chính", "0.5"), ("commune", "Ký chứng thực, đóng dấu", "1"),
                ("counter", "Trả kết quả", "0.5")],
         components=[("Bản chính giấy tờ, văn bản làm cơ sở chứng thực", 1, 0, 0, True, None),
                     ("Bản sao cần chứng thực", 0, 0, 1, True, None)],
         fees=[("Phí chứng thực bản sao từ bản chính", 2000, "2.000 đồng/trang; từ trang thứ 3 trở lên thu "
                "1.000 đồng/trang, tối đa 200.000 đồng/bản.")],
         legal=["23/2015/NĐ-CP", "01/2020/TT-BTP", "226/2016/TT-BTC"],
         subjects="Cá nhân, tổ chức.", result="Bản sao được chứng thực từ bản chính.", settled_on_spot=True),
    dict(code="2.000884", field="chung-thuc", name="Chứng thực chữ ký trong các giấy tờ, văn bản",
         level="commune", receiving="commune", time_unit="same_day", time="2", online=2,
         route=[("counter", "Tiếp nhận, kiểm tra giấy tờ", "0.5"), ("commune", "Người yêu cầu ký trước mặt "
                "người thực hiện chứng thực; ký chứng thực", "1"), ("counter", "Trả kết quả", "0.5")],
         components=[("Giấy tờ, văn bản mà mình sẽ ký", 1, 0, 0, True, None), (ID, 0, 0, 0, True, None)],
         fees=[("Phí chứng thực chữ ký", 10000, "10.000 đồng/trường hợp.")],
         legal=["23/2015/NĐ-CP", "01/2020/TT-BTP", "226/2016/TT-BTC"],
         subjects="Cá nhân.", result="Giấy tờ, văn bản được chứng thực chữ ký.", settled_on_spot=True),
    dict(code="2.001035", field="chung-thuc", name="Chứng thực hợp đồng, giao dịch liên quan đến tài sản là "
         "động sản", level="commune", receiving="commune", time_unit="working_days", time="2", online=2,
         route=[("counter", "Tiếp nhận, kiểm tra hồ sơ", "0.5"), ("commune", "Kiểm tra dự thảo hợp đồng, "
                "các bên ký trước mặt người thực hiện chứng thực", "1"), ("counter", "Trả kết quả", "0.5")],
         components=[("Dự thảo hợp đồng, giao dịch", 1, 0, 0, True, None),
                     ("Bản sao giấy tờ tùy thân của người yêu cầu chứng thực", 0, 0, 1, True, None),
                     ("Bản sao giấy chứng nhận quyền sở hữu động sản", 0, 0, 1, True, None)],
         fees=[("Phí chứng thực hợp đồng, giao dịch", 50000, "50.000 đồng/hợp đồng, giao dịch.")],
         legal=["23/2015/NĐ-CP", "01/2020/TT-BTP", "226/2016/TT-BTC"],
         subjects="Cá nhân, tổ chức.", result="Hợp đồng, giao dịch được chứng thực."),
    dict(code="2.000913", field="chung-thuc", name="Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao "
         "dịch", level="commune", receiving="commune", time_unit="working_days", time="2", online=2,
         route=[("counter", "Tiếp nhận hồ sơ", "0.5"), ("commune", "Kiểm tra, ký chứng thực", "1"),
                ("counter", "Trả kết quả", "0.5")],
         components=[("Dự thảo văn bản sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch", 1, 0, 0, True, None),
                     ("Hợp đồng, giao dịch đã được chứng thực", 1, 0, 0, True, None)],
         fees=[("Phí chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng", 30000, "30.000 đồng/hợp đồng.")],
         legal=["23/2015/NĐ-CP", "01/2020/TT-BTP", "226/2016/TT-BTC"],
         subjects="Các bên tham gia hợp đồng.", result="Văn bản được chứng thực."),
    # --- Đất đai -------------------------------------------------------------------------------
    dict(code="1.004227", field="dat-dai", name="Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng "
         "nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu", level="district",
         receiving="commune", implementing=["H56.20", "H56.30", "H56.20.70", "H56.30.70", "H56.12"],
         time_unit="working_days", time="20", online=3,
         # The three-level route: commune counter → district office → province department → back.
         route=[("counter", "Bộ phận Một cửa cấp xã tiếp nhận, niêm yết công khai, chuyển hồ sơ", "3"),
                ("district-office", "Chi nhánh Văn phòng đăng ký đất đai kiểm tra hồ sơ, trích đo, xác định "
                 "nghĩa vụ tài chính", "9"),
                ("province-department", "Sở Nông nghiệp và Môi trường thẩm định, trình ký Giấy chứng nhận", "6"),
                ("district", "UBND cấp huyện ký, chuyển kết quả về cấp xã", "1"),
                ("counter", "Bộ phận Một cửa cấp xã trao Giấy chứng nhận", "1")],
         time_note="Không quá 20 ngày làm việc; không kể thời gian thực hiện nghĩa vụ tài chính.",
         components=[("Đơn đăng ký đất đai, tài sản gắn liền với đất (Mẫu số 04/ĐK)", 1, 0, 0, True, None),
                     ("Giấy tờ về quyền sử dụng đất (nếu có)", 0, 1, 0, False, None),
                     ("Chứng từ thực hiện nghĩa vụ tài chính; giấy tờ miễn, giảm (nếu có)", 0, 1, 0, False, None),
                     ("Mảnh trích đo bản đồ địa chính thửa đất", 1, 0, 0, False, None)],
         fees=[("Lệ phí cấp Giấy chứng nhận", 100000, "Mức thu do HĐND tỉnh quy định; hộ gia đình, cá nhân ở "
                "nông thôn được giảm 50%."),
               ("Phí thẩm định hồ sơ cấp Giấy chứng nhận", 500000, "Theo diện tích và mục đích sử dụng đất.")],
         legal=["31/2024/QH15", "101/2024/NĐ-CP"],
         subjects="Hộ gia đình, cá nhân, cộng đồng dân cư đang sử dụng đất.",
         result="Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất.",
         fee_payment="after"),
    dict(code="1.004221", field="dat-dai", name="Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản "
         "gắn liền với đất do chuyển nhượng, tặng cho, thừa kế", level="district", receiving="district",
         implementing=["H56.20", "H56.30"], time_unit="working_days", time="10", online=3,
         route=district_route("10", office_action="Chi nhánh Văn phòng đăng ký đất đai kiểm tra, cập nhật biến động"),
         components=[("Đơn đăng ký biến động đất đai, tài sản gắn liền với đất (Mẫu số 11/ĐK)", 1, 0, 0, True, None),
                     ("Hợp đồng, văn bản chuyển nhượng, tặng cho, thừa kế đã công chứng, chứng thực", 1, 0, 0,
                      True, None), ("Giấy chứng nhận đã cấp", 1, 0, 0, True, None)],
         fees=[("Lệ phí đăng ký biến động", 30000, "Mức thu do HĐND tỉnh quy định.")],
         legal=["31/2024/QH15", "101/2024/NĐ-CP"], subjects="Người sử dụng đất, chủ sở hữu tài sản.",
         result="Giấy chứng nhận được xác nhận thay đổi hoặc Giấy chứng nhận mới.", fee_payment="after"),
    dict(code="1.003554", field="dat-dai", name="Hòa giải tranh chấp đất đai", level="commune",
         receiving="commune", time_unit="calendar_days", time="30", online=2,
         route=[("counter", "Tiếp nhận đơn", "1"), ("commune", "Thẩm tra, xác minh, thu thập tài liệu", "14"),
                ("commune", "Thành lập Hội đồng và tổ chức cuộc họp hòa giải", "14"),
                ("counter", "Gửi biên bản hòa giải cho các bên", "1")],
         components=[("Đơn yêu cầu hòa giải tranh chấp đất đai", 1, 0, 0, True, None)],
         fees=[], legal=["31/2024/QH15"], subjects="Các bên tranh chấp đất đai.",
         result="Biên bản hòa giải thành hoặc không thành."),
    dict(code="1.001990", field="dat-dai", name="Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài "
         "sản gắn liền với đất", level="district", receiving="district", implementing=["H56.20", "H56.30"],
         time_unit="working_days", time="7", online=3, route=district_route("7"),
         components=[("Đơn đăng ký biến động đất đai (Mẫu số 11/ĐK)", 1, 0, 0, True, None),
                     ("Bản gốc Giấy chứng nhận đã cấp", 1, 0, 0, True, None)],
         fees=[("Lệ phí cấp đổi Giấy chứng nhận", 50000, "Mức thu do HĐND tỉnh quy định.")],
         legal=["31/2024/QH15", "101/2024/NĐ-CP", "45/2013/QH13"], subjects="Người sử dụng đất.",
         result="Giấy chứng nhận mới."),
    # --- Xây dựng ------------------------------------------------------------------------------
    dict(code="1.009994", field="xay-dung", name="Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
         level="district", receiving="district", implementing=["H56.20", "H56.30"], time_unit="working_days",
         time="15", online=3, route=district_route("15", office_action="Phòng Quản lý đô thị (Kinh tế - Hạ tầng) "
         "thẩm định hồ sơ, kiểm tra thực địa"),
         components=[("Đơn đề nghị cấp giấy phép xây dựng (Mẫu số 01)", 1, 0, 0, True, "don-de-nghi-cap-giay-phep-xay-dung"),
                     ("Giấy tờ chứng minh quyền sử dụng đất", 0, 1, 0, True, None),
                     ("Hai bộ bản vẽ thiết kế xây dựng", 2, 0, 0, True, None)],
         fees=[("Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ", 75000, "Mức thu do HĐND tỉnh quy định.")],
         legal=["50/2014/QH13", "62/2020/QH14", "175/2024/NĐ-CP"], subjects="Hộ gia đình, cá nhân.",
         result="Giấy phép xây dựng."),
    dict(code="1.009995", field="xay-dung", name="Cấp giấy phép sửa chữa, cải tạo đối với nhà ở riêng lẻ",
         level="district", receiving="district", implementing=["H56.20", "H56.30"], time_unit="working_days",
         time="15", online=3, route=district_route("15"),
         components=[("Đơn đề nghị cấp giấy phép sửa chữa, cải tạo", 1, 0, 0, True, None),
                     ("Giấy tờ chứng minh quyền sở hữu công trình", 0, 1, 0, True, None),
                     ("Bản vẽ hiện trạng và bản vẽ sửa chữa, cải tạo", 2, 0, 0, True, None)],
         fees=[("Lệ phí cấp giấy phép xây dựng", 75000, "Mức thu do HĐND tỉnh quy định.")],
         legal=["50/2014/QH13", "62/2020/QH14", "15/2021/NĐ-CP"], subjects="Hộ gia đình, cá nhân.",
         result="Giấy phép sửa chữa, cải tạo."),
    dict(code="1.009997", field="xay-dung", name="Gia hạn giấy phép xây dựng đối với nhà ở riêng lẻ",
         level="district", receiving="district", implementing=["H56.20", "H56.30"], time_unit="working_days",
         time="5", online=4, route=district_route("5"),
         components=[("Đơn đề nghị gia hạn giấy phép xây dựng", 1, 0, 0, True, None),
                     ("Bản chính giấy phép xây dựng đã được cấp", 1, 0, 0, True, None)],
         fees=[("Lệ phí gia hạn giấy phép xây dựng", 15000, "")],
         legal=["50/2014/QH13", "62/2020/QH14", "175/2024/NĐ-CP"], subjects="Chủ đầu tư.",
         result="Giấy phép xây dựng được gia hạn."),
    # --- Hộ kinh doanh ---------------------------------------------------------------------------
    dict(code="2.000575", field="ho-kinh-doanh", name="Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
         level="commune", receiving="commune", time_unit="working_days", time="3", online=4,
         route=commune_route("3"),
         components=[("Thông báo thay đổi nội dung đăng ký hộ kinh doanh", 1, 0, 0, True, None),
                     ("Bản gốc Giấy chứng nhận đăng ký hộ kinh doanh", 1, 0, 0, True, None)],
         fees=[("Lệ phí đăng ký thay đổi", 50000, "Mức thu do HĐND tỉnh quy định.")],
         legal=["01/2021/NĐ-CP", "85/2019/TT-BTC"], subjects="Hộ kinh doanh.",
         result="Giấy chứng nhận đăng ký hộ kinh doanh mới."),
    dict(code="2.000592", field="ho-kinh-doanh", name="Tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn "
         "đã thông báo của hộ kinh doanh", level="commune", receiving="commune", time_unit="working_days",
         time="3", online=4, route=commune_route("3"),
         components=[("Thông báo tạm ngừng kinh doanh, tiếp tục kinh doanh", 1, 0, 0, True, None)],
         fees=[], legal=["01/2021/NĐ-CP"], subjects="Hộ kinh doanh.",
         result="Giấy xác nhận về việc hộ kinh doanh đăng ký tạm ngừng kinh doanh."),
    dict(code="2.000614", field="ho-kinh-doanh", name="Chấm dứt hoạt động hộ kinh doanh", level="commune",
         receiving="commune", time_unit="working_days", time="3", online=4, route=commune_route("3"),
         components=[("Thông báo chấm dứt hoạt động hộ kinh doanh", 1, 0, 0, True, None),
                     ("Thông báo của cơ quan thuế về việc chấp thuận chấm dứt hiệu lực mã số thuế", 0, 1, 0,
                      True, None)],
         fees=[], legal=["01/2021/NĐ-CP"], subjects="Hộ kinh doanh.",
         result="Thông báo về việc chấm dứt hoạt động hộ kinh doanh."),
    # --- Bảo trợ xã hội, người có công ------------------------------------------------------------
    dict(code="1.001776", field="bao-tro-xa-hoi", name="Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội "
         "hằng tháng, hỗ trợ kinh phí chăm sóc, nuôi dưỡng hằng tháng", level="district", receiving="commune",
         implementing=["H56.20", "H56.30"], time_unit="working_days", time="15", online=3,
         route=[("counter", "Bộ phận Một cửa cấp xã tiếp nhận hồ sơ", "0.5"),
                ("commune", "Hội đồng xét duyệt cấp xã xét duyệt, niêm yết công khai", "7"),
                ("district-office", "Phòng Lao động - Thương binh và Xã hội thẩm định", "5.5"),
                ("district", "Chủ tịch UBND cấp huyện quyết định", "1.5"),
                ("counter", "Thông báo, trả kết quả tại cấp xã", "0.5")],
         components=[("Tờ khai đề nghị trợ giúp xã hội (Mẫu số 1a)", 1, 0, 0, True, None),
                     ("Giấy xác nhận khuyết tật (đối với người khuyết tật)", 0, 1, 0, False, None)],
         fees=[], legal=["20/2021/NĐ-CP"], subjects="Đối tượng bảo trợ xã hội.",
         result="Quyết định trợ cấp xã hội hằng tháng."),
    dict(code="1.001758", field="bao-tro-xa-hoi", name="Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
         level="district", receiving="commune", implementing=["H56.20", "H56.30"], time_unit="working_days",
         time="5", online=3,
         route=[("counter", "Tiếp nhận hồ sơ tại cấp xã", "0.5"), ("commune", "UBND cấp xã xác nhận, chuyển "
                "hồ sơ", "1.5"), ("district-office", "Phòng Lao động - Thương binh và Xã hội thẩm định", "2"),
                ("counter", "Trả kết quả", "1")],
         components=[("Tờ khai đề nghị hỗ trợ chi phí mai táng (Mẫu số 04)", 1, 0, 0, True, None),
                     ("Bản sao giấy chứng tử hoặc trích lục khai tử", 0, 1, 0, True, None)],
         fees=[], legal=["20/2021/NĐ-CP"], subjects="Cơ quan, tổ chức, cá nhân tổ chức mai táng.",
         result="Quyết định hỗ trợ chi phí mai táng."),
    dict(code="1.010812", field="nguoi-co-cong", name="Giải quyết chế độ ưu đãi đối với con đẻ của người "
         "hoạt động kháng chiến bị nhiễm chất độc hóa học", level="province-department", receiving="province",
         implementing=["H56"], time_unit="working_days", time="20", online=3,
         route=province_route("20", "province-department", "Sở Lao động - Thương binh và Xã hội thẩm định, "
                              "ban hành quyết định"),
         components=[("Bản khai cá nhân (Mẫu số 07)", 1, 0, 0, True, None),
                     ("Giấy xác nhận mức độ khuyết tật", 0, 1, 0, True, None)],
         fees=[], legal=["02/2020/UBTVQH14", "131/2021/NĐ-CP"],
         subjects="Con đẻ của người hoạt động kháng chiến bị nhiễm chất độc hóa học.",
         result="Quyết định trợ cấp hằng tháng."),
    dict(code="1.010815", field="nguoi-co-cong", name="Cấp bổ sung hoặc cấp lại giấy chứng nhận người có công",
         level="province-department", receiving="province", implementing=["H56"], time_unit="working_days",
         time="10", online=4, route=province_route("10", "province-department"),
         components=[("Đơn đề nghị (Mẫu số 19)", 1, 0, 0, True, None)],
         fees=[], legal=["02/2020/UBTVQH14", "131/2021/NĐ-CP"], subjects="Người có công với cách mạng.",
         result="Giấy chứng nhận người có công."),
    # --- Giáo dục -------------------------------------------------------------------------------
    dict(code="1.005090", field="giao-duc", name="Chuyển trường đối với học sinh trung học cơ sở",
         level="district", receiving="district", implementing=["H56.20", "H56.30"], time_unit="working_days",
         time="3", online=4,
         route=[("counter", "Tiếp nhận hồ sơ", "0.5"), ("district-office", "Phòng Giáo dục và Đào tạo xem xét, "
                "giới thiệu học sinh", "2"), ("counter", "Trả kết quả", "0.5")],
         components=[("Đơn xin chuyển trường do cha mẹ hoặc người giám hộ ký", 1, 0, 0, True, None),
                     ("Học bạ (bản chính)", 1, 0, 0, True, None),
                     ("Bằng tốt nghiệp cấp học dưới (bản sao)", 0, 1, 0, False, None)],
         fees=[], legal=["43/2019/QH14"], subjects="Học sinh trung học cơ sở.", result="Giấy giới thiệu chuyển trường."),
    dict(code="1.005388", field="giao-duc", name="Cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
         level="district", receiving="district", implementing=["H56.20", "H56.30"], time_unit="same_day",
         time="4", online=4,
         route=[("counter", "Tiếp nhận yêu cầu", "0.5"), ("district-office", "Tra cứu sổ gốc, lập bản sao", "3"),
                ("counter", "Trả kết quả", "0.5")],
         components=[("Đơn đề nghị cấp bản sao văn bằng, chứng chỉ từ sổ gốc", 1, 0, 0, True, None)],
         fees=[("Phí cấp bản sao từ sổ gốc", 3000, "3.000 đồng/trang.")], legal=["43/2019/QH14", "23/2015/NĐ-CP"],
         subjects="Người được cấp văn bằng, chứng chỉ.", result="Bản sao văn bằng, chứng chỉ từ sổ gốc."),
    dict(code="1.004494", field="giao-duc", name="Cho phép trường mầm non tư thục hoạt động giáo dục",
         level="district", receiving="district", implementing=["H56.20", "H56.30"], time_unit="working_days",
         time="20", online=3, route=district_route("20", office_action="Phòng Giáo dục và Đào tạo kiểm tra "
                                                    "thực tế, thẩm định điều kiện"),
         components=[("Tờ trình đề nghị cho phép hoạt động giáo dục", 1, 0, 0, True, None),
                     ("Quyết định thành lập hoặc cho phép thành lập nhà trường", 0, 1, 0, True, None),
                     ("Danh sách đội ngũ cán bộ quản lý, giáo viên", 1, 0, 0, True, None)],
         fees=[], legal=["43/2019/QH14"], subjects="Tổ chức, cá nhân.",
         result="Quyết định cho phép hoạt động giáo dục."),
    # --- Y tế, an toàn thực phẩm --------------------------------------------------------------------
    dict(code="1.001134", field="y-te", name="Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối "
         "với cơ sở kinh doanh dịch vụ ăn uống", level="province-department", receiving="province",
         implementing=["H56"], time_unit="working_days", time="20", online=4,
         route=province_route("20", "province-department", "Sở Y tế thẩm định hồ sơ, thẩm định thực tế tại cơ sở"),
         components=[("Đơn đề nghị cấp Giấy chứng nhận (theo mẫu)", 1, 0, 0, True, None),
                     ("Bản thuyết minh về cơ sở vật chất, trang thiết bị", 1, 0, 0, True, None),
                     ("Giấy xác nhận đủ sức khỏe của chủ cơ sở và người trực tiếp kinh doanh", 0, 1, 0, True, None)],
         fees=[("Phí thẩm định cơ sở kinh doanh dịch vụ ăn uống", 700000, "Phục vụ từ 200 suất ăn trở lên: "
                "1.000.000 đồng/lần.")],
         legal=["55/2010/QH12", "15/2018/NĐ-CP"], subjects="Cơ sở kinh doanh dịch vụ ăn uống.",
         result="Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm."),
    dict(code="1.001135", field="y-te", name="Cấp lại Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
         level="province-department", receiving="province", implementing=["H56"], time_unit="working_days",
         time="5", online=4, route=province_route("5", "province-department"),
         components=[("Đơn đề nghị cấp lại Giấy chứng nhận", 1, 0, 0, True, None)],
         fees=[], legal=["55/2010/QH12", "15/2018/NĐ-CP"], subjects="Cơ sở đã được cấp Giấy chứng nhận.",
         result="Giấy chứng nhận được cấp lại."),
    # --- Phổ biến pháp luật ---------------------------------------------------------------------------
    dict(code="2.001457", field="pho-bien-phap-luat", name="Công nhận tuyên truyền viên pháp luật",
         level="commune", receiving="commune", time_unit="working_days", time="5", online=3,
         route=commune_route("5"),
         components=[("Văn bản đề nghị công nhận tuyên truyền viên pháp luật", 1, 0, 0, True, None)],
         fees=[], legal=["14/2012/QH13"], subjects="Công dân Việt Nam thường trú tại cấp xã.",
         result="Quyết định công nhận tuyên truyền viên pháp luật."),
    dict(code="2.000930", field="pho-bien-phap-luat", name="Thôi làm tuyên truyền viên pháp luật",
         level="commune", receiving="commune", time_unit="working_days", time="3", online=3,
         route=commune_route("3"), components=[("Đơn đề nghị thôi làm tuyên truyền viên", 1, 0, 0, True, None)],
         fees=[], legal=["14/2012/QH13"], subjects="Tuyên truyền viên pháp luật.",
         result="Quyết định cho thôi làm tuyên truyền viên pháp luật."),
]

RECEIVING = {
    "commune": ["H56.20.01", "H56.20.02", "H56.30.01", "H56.30.02"],
    "district": ["H56.20", "H56.30"],
    "province": ["H56.100"],
}
EFFECTIVE_FROM = datetime.date(2025, 1, 1)


# The official forms shipped as electronic declarations (procedures/eforms/forms/).
EFORMS = {"to-khai-dang-ky-khai-sinh": "khai-sinh", "to-khai-dang-ky-ket-hon": "ket-hon",
          "to-khai-ly-lich-tu-phap": "ly-lich-tu-phap", "giay-de-nghi-dang-ky-ho-kinh-doanh": "ho-kinh-doanh"}


@transaction.atomic
def seed(stdout=None):
    fields = {}
    for code, name in FIELDS:
        fields[code], _ = Field.objects.update_or_create(code=code, defaults={"name": name})
    documents = {}
    for number, title, issuer, issued, effective, expired, _replaced in LEGAL:
        documents[number], _ = LegalDocument.objects.update_or_create(
            number=number,
            defaults={"title": title, "issuer": issuer, "issued_on": issued, "effective_from": effective,
                      "expired_on": expired},
        )
    for number, *_rest, replaced in LEGAL:
        if replaced:
            LegalDocument.objects.filter(pk=documents[number].pk).update(replaced_by=documents[replaced])
    levels = {level.code: level for level in UnitLevel.objects.all()}
    units = {unit.code: unit for unit in Unit.objects.filter(code__startswith="H56")}
    if not units:
        if stdout:
            stdout.write("  skipped: the demo organisation (portal.demo) is missing")
        return
    created = 0
    for spec in PROCEDURES:
        if Procedure.objects.filter(national_code=spec["code"]).exists():
            continue
        _create(spec, fields, documents, levels, units)
        created += 1
    if stdout:
        stdout.write(f"  {Procedure.objects.count()} procedures ({created} new), {len(documents)} legal documents")


def _create(spec, fields, documents, levels, units):
    procedure = Procedure.objects.create(national_code=spec["code"], field=fields[spec["field"]], name=spec["name"])
    receiving = [units[c] for c in RECEIVING[spec["receiving"]] if c in units]
    implementing = [units[c] for c in spec.get("implementing", RECEIVING[spec["receiving"]]) if c in units]
    total = sum(Decimal(budget) for _h, _a, budget in spec["route"])
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        status=ProcedureVersion.Status.PUBLISHED,
        effective_from=EFFECTIVE_FROM,
        decision_number="1234/QĐ-UBND ngày 20/12/2024 của Chủ tịch UBND tỉnh Thái Nguyên",
        name=spec["name"],
        authority_level=levels[spec["level"]],
        subjects=spec.get("subjects", ""),
        result=spec.get("result", ""),
        requirements=spec.get("requirements", ""),
        online_level=spec["online"],
        time_unit=spec["time_unit"],
        processing_time=total,
        processing_time_note=spec.get("time_note", ""),
        fee_payment=spec.get("fee_payment", "before"),
        settled_on_spot=spec.get("settled_on_spot", False),
    )
    assert total == Decimal(spec["time"]), spec["code"]
    version.receiving_units.set(receiving)
    version.implementing_units.set(implementing)
    version.legal_documents.set([documents[n] for n in spec["legal"]])
    receiving_level = levels[{"commune": "commune", "district": "district", "province": "province"}[spec["receiving"]]]
    for order, (handler, action, budget) in enumerate(spec["route"], start=1):
        step = RouteStep(version=version, order=order, action=action, budget=Decimal(budget))
        if handler == "counter":
            step.is_counter, step.handler_level = True, receiving_level
        elif handler in levels:
            step.handler_level = levels[handler]
        else:
            step.handler_unit = units[handler]
        step.save()
    for order, (name, originals, copies, photocopies, required, template) in enumerate(spec["components"], 1):
        component = ComponentRequirement(
            version=version, order=order, name=name, originals=originals, certified_copies=copies,
            photocopies=photocopies, is_required=required,
        )
        if template:
            component.form_template.save(f"{template}.pdf", ContentFile(_form_pdf(name)), save=False)
        if template in EFORMS:
            component.eform = eform_library.load(EFORMS[template])
        component.save()
    fee_total = 0
    for order, (name, amount, exemptions) in enumerate(spec["fees"], 1):
        Fee.objects.create(version=version, order=order, name=name, amount=amount, exemptions=exemptions,
                           is_optional=fee_is_optional(name))
        fee_total += amount if order == 1 else 0
    channels = [ProcedureMethod.Channel.COUNTER, ProcedureMethod.Channel.POSTAL]
    if spec["online"] >= 3:
        channels.insert(1, ProcedureMethod.Channel.ONLINE)
    for channel in channels:
        ProcedureMethod.objects.create(version=version, channel=channel, processing_time=total, fee_amount=fee_total)
    return procedure


def _form_pdf(title):
    """A one-page form template with the title, standing in for the official form."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError):  # pango missing: a plain-text stand-in is still downloadable
        return title.encode()
    html = (
        "<html><body style='font-family: DejaVu Sans, sans-serif; font-size: 12pt'>"
        "<p style='text-align:center'><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br>Độc lập - Tự do - Hạnh phúc</p>"
        f"<h2 style='text-align:center'>{title.upper()}</h2>"
        "<p>Kính gửi: ..................................................</p>"
        "<p>Họ, chữ đệm, tên người yêu cầu: ..................................................</p>"
        "<p>Số định danh cá nhân: ..................................................</p>"
        "<p>Nơi cư trú: ..................................................</p>"
        "</body></html>"
    )
    return HTML(string=html).write_pdf()
