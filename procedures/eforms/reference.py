"""Reference lists used by electronic declarations (tờ khai điện tử).

- The 54 ethnic groups of Vietnam with their official codes (Decision 121-TCTK/PPCĐ of
  2 March 1979 of the General Statistics Office, "Danh mục các dân tộc Việt Nam"; spellings
  as in the General Statistics Office's published list).
- Nationalities: ISO 3166-1 alpha-2 codes with the Vietnamese country names used on civil
  status forms.
- Province codes that start the 12-digit personal identification number (Circular
  07/2016/TT-BCA, Annex I, kept by Circular 59/2021/TT-BCA): the first three digits are the
  code of the province where the birth was registered, so they stay valid after the 2025
  province mergers.
- The 34 provinces and centrally-run cities in force since 1 July 2025 (Resolution
  202/2025/QH15), used for addresses.
"""

ETHNIC_GROUPS = [
    ("01", "Kinh"), ("02", "Tày"), ("03", "Thái"), ("04", "Hoa"), ("05", "Khơ-me"), ("06", "Mường"),
    ("07", "Nùng"), ("08", "Hmông"), ("09", "Dao"), ("10", "Gia-rai"), ("11", "Ngái"), ("12", "Ê-đê"),
    ("13", "Ba-na"), ("14", "Xơ-đăng"), ("15", "Sán Chay"), ("16", "Cơ-ho"), ("17", "Chăm"), ("18", "Sán Dìu"),
    ("19", "Hrê"), ("20", "Mnông"), ("21", "Ra-glai"), ("22", "Xtiêng"), ("23", "Bru-Vân Kiều"), ("24", "Thổ"),
    ("25", "Giáy"), ("26", "Cơ-tu"), ("27", "Gié-Triêng"), ("28", "Mạ"), ("29", "Khơ-mú"), ("30", "Co"),
    ("31", "Ta-ôi"), ("32", "Chơ-ro"), ("33", "Kháng"), ("34", "Xinh-mun"), ("35", "Hà Nhì"), ("36", "Chu-ru"),
    ("37", "Lào"), ("38", "La Chí"), ("39", "La Ha"), ("40", "Phù Lá"), ("41", "La Hủ"), ("42", "Lự"),
    ("43", "Lô Lô"), ("44", "Chứt"), ("45", "Mảng"), ("46", "Pà Thẻn"), ("47", "Cơ Lao"), ("48", "Cống"),
    ("49", "Bố Y"), ("50", "Si La"), ("51", "Pu Péo"), ("52", "Brâu"), ("53", "Ơ-đu"), ("54", "Rơ-măm"),
]

NATIONALITIES = [
    ("VN", "Việt Nam"), ("AF", "Áp-ga-ni-xtan"), ("AL", "An-ba-ni"), ("DZ", "An-giê-ri"), ("AD", "An-đô-ra"),
    ("AO", "Ăng-gô-la"), ("AG", "An-ti-goa và Bác-bu-đa"), ("AR", "Ác-hen-ti-na"), ("AM", "Ác-mê-ni-a"),
    ("AU", "Ô-xtơ-rây-li-a"), ("AT", "Áo"), ("AZ", "A-déc-bai-gian"), ("BS", "Ba-ha-ma"), ("BH", "Ba-ranh"),
    ("BD", "Băng-la-đét"), ("BB", "Bác-ba-đốt"), ("BY", "Bê-la-rút"), ("BE", "Bỉ"), ("BZ", "Bê-li-xê"),
    ("BJ", "Bê-nanh"), ("BT", "Bu-tan"), ("BO", "Bô-li-vi-a"), ("BA", "Bô-xni-a và Héc-dê-gô-vi-na"),
    ("BW", "Bốt-xoa-na"), ("BR", "Bra-xin"), ("BN", "Bru-nây"), ("BG", "Bun-ga-ri"), ("BF", "Buốc-ki-na Pha-xô"),
    ("BI", "Bu-run-đi"), ("CV", "Cáp-ve"), ("KH", "Campuchia"), ("CM", "Ca-mơ-run"), ("CA", "Ca-na-đa"),
    ("CF", "Cộng hòa Trung Phi"), ("TD", "Sát"), ("CL", "Chi-lê"), ("CN", "Trung Quốc"), ("CO", "Cô-lôm-bi-a"),
    ("KM", "Cô-mo"), ("CG", "Cộng hòa Công-gô"), ("CD", "Cộng hòa Dân chủ Công-gô"), ("CR", "Cô-xta Ri-ca"),
    ("CI", "Cốt-đi-voa"), ("HR", "Crô-a-ti-a"), ("CU", "Cu-ba"), ("CY", "Síp"), ("CZ", "Séc"),
    ("DK", "Đan Mạch"), ("DJ", "Gi-bu-ti"), ("DM", "Đô-mi-ni-ca"), ("DO", "Cộng hòa Đô-mi-ni-ca"),
    ("EC", "Ê-cu-a-đo"), ("EG", "Ai Cập"), ("SV", "En Xan-va-đo"), ("GQ", "Ghi-nê Xích đạo"), ("ER", "Ê-ri-tơ-rê-a"),
    ("EE", "E-xtô-ni-a"), ("SZ", "Ét-xoa-ti-ni"), ("ET", "Ê-ti-ô-pi-a"), ("FJ", "Phi-gi"), ("FI", "Phần Lan"),
    ("FR", "Pháp"), ("GA", "Ga-bông"), ("GM", "Găm-bi-a"), ("GE", "Gru-di-a"), ("DE", "Đức"), ("GH", "Ga-na"),
    ("GR", "Hy Lạp"), ("GD", "Grê-na-đa"), ("GT", "Goa-tê-ma-la"), ("GN", "Ghi-nê"), ("GW", "Ghi-nê Bít-xao"),
    ("GY", "Guy-a-na"), ("HT", "Ha-i-ti"), ("HN", "Hôn-đu-rát"), ("HU", "Hung-ga-ri"), ("IS", "Ai-xơ-len"),
    ("IN", "Ấn Độ"), ("ID", "In-đô-nê-xi-a"), ("IR", "I-ran"), ("IQ", "I-rắc"), ("IE", "Ai-len"),
    ("IL", "I-xra-en"), ("IT", "I-ta-li-a"), ("JM", "Gia-mai-ca"), ("JP", "Nhật Bản"), ("JO", "Gioóc-đa-ni"),
    ("KZ", "Ca-dắc-xtan"), ("KE", "Kê-ni-a"), ("KI", "Ki-ri-ba-ti"), ("KP", "Cộng hòa Dân chủ Nhân dân Triều Tiên"),
    ("KR", "Hàn Quốc"), ("KW", "Cô-oét"), ("KG", "Cư-rơ-gư-xtan"), ("LA", "Lào"), ("LV", "Lát-vi-a"),
    ("LB", "Li-băng"), ("LS", "Lê-xô-thô"), ("LR", "Li-bê-ri-a"), ("LY", "Li-bi"), ("LI", "Lích-ten-xtên"),
    ("LT", "Lít-va"), ("LU", "Lúc-xăm-bua"), ("MG", "Ma-đa-gát-xca"), ("MW", "Ma-la-uy"), ("MY", "Ma-lai-xi-a"),
    ("MV", "Man-đi-vơ"), ("ML", "Ma-li"), ("MT", "Man-ta"), ("MH", "Quần đảo Mác-san"), ("MR", "Mô-ri-ta-ni"),
    ("MU", "Mô-ri-xơ"), ("MX", "Mê-hi-cô"), ("FM", "Mi-crô-nê-xi-a"), ("MD", "Môn-đô-va"), ("MC", "Mô-na-cô"),
    ("MN", "Mông Cổ"), ("ME", "Môn-tê-nê-grô"), ("MA", "Ma-rốc"), ("MZ", "Mô-dăm-bích"), ("MM", "Mi-an-ma"),
    ("NA", "Na-mi-bi-a"), ("NR", "Nau-ru"), ("NP", "Nê-pan"), ("NL", "Hà Lan"), ("NZ", "Niu Di-lân"),
    ("NI", "Ni-ca-ra-goa"), ("NE", "Ni-giê"), ("NG", "Ni-giê-ri-a"), ("MK", "Bắc Ma-xê-đô-ni-a"), ("NO", "Na Uy"),
    ("OM", "Ô-man"), ("PK", "Pa-ki-xtan"), ("PW", "Pa-lau"), ("PS", "Pa-le-xtin"), ("PA", "Pa-na-ma"),
    ("PG", "Pa-pua Niu Ghi-nê"), ("PY", "Pa-ra-goay"), ("PE", "Pê-ru"), ("PH", "Phi-líp-pin"), ("PL", "Ba Lan"),
    ("PT", "Bồ Đào Nha"), ("QA", "Ca-ta"), ("RO", "Ru-ma-ni"), ("RU", "Liên bang Nga"), ("RW", "Ru-an-đa"),
    ("KN", "Xanh Kít và Nê-vít"), ("LC", "Xanh Lu-xi-a"), ("VC", "Xanh Vin-xen và Grê-na-đin"), ("WS", "Xa-moa"),
    ("SM", "San Ma-ri-nô"), ("ST", "Xao Tô-mê và Prin-xi-pê"), ("SA", "A-rập Xê-út"), ("SN", "Xê-nê-gan"),
    ("RS", "Xéc-bi-a"), ("SC", "Xây-sen"), ("SL", "Xi-ê-ra Lê-ôn"), ("SG", "Xinh-ga-po"), ("SK", "Xlô-va-ki-a"),
    ("SI", "Xlô-ven-ni-a"), ("SB", "Quần đảo Xô-lô-mông"), ("SO", "Xô-ma-li"), ("ZA", "Nam Phi"),
    ("SS", "Nam Xu-đăng"), ("ES", "Tây Ban Nha"), ("LK", "Xri Lan-ca"), ("SD", "Xu-đăng"), ("SR", "Xu-ri-nam"),
    ("SE", "Thụy Điển"), ("CH", "Thụy Sĩ"), ("SY", "Xy-ri"), ("TJ", "Tát-gi-ki-xtan"), ("TZ", "Tan-da-ni-a"),
    ("TH", "Thái Lan"), ("TL", "Đông Ti-mo"), ("TG", "Tô-gô"), ("TO", "Tông-ga"), ("TT", "Tri-ni-đát và Tô-ba-gô"),
    ("TN", "Tuy-ni-di"), ("TR", "Thổ Nhĩ Kỳ"), ("TM", "Tuốc-mê-ni-xtan"), ("TV", "Tu-va-lu"), ("UG", "U-gan-đa"),
    ("UA", "U-crai-na"), ("AE", "Các Tiểu vương quốc A-rập Thống nhất"), ("GB", "Vương quốc Anh"),
    ("US", "Hoa Kỳ"), ("UY", "U-ru-goay"), ("UZ", "U-dơ-bê-ki-xtan"), ("VU", "Va-nu-a-tu"), ("VA", "Va-ti-căng"),
    ("VE", "Vê-nê-xu-ê-la"), ("YE", "Y-ê-men"), ("ZM", "Dăm-bi-a"), ("ZW", "Dim-ba-bu-ê"),
    ("TW", "Đài Loan (Trung Quốc)"), ("HK", "Hồng Công (Trung Quốc)"), ("MO", "Ma Cao (Trung Quốc)"),
    ("XX", "Không quốc tịch"),
]

# Circular 07/2016/TT-BCA, Annex I: the province part of the personal identification number.
ID_PROVINCE_CODES = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái", "017": "Hòa Bình",
    "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang", "025": "Phú Thọ",
    "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng", "033": "Hưng Yên",
    "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình", "038": "Thanh Hóa",
    "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị", "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định", "054": "Phú Yên",
    "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum", "064": "Gia Lai",
    "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước", "072": "Tây Ninh",
    "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu", "079": "Hồ Chí Minh", "080": "Long An",
    "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long", "087": "Đồng Tháp",
    "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang", "094": "Sóc Trăng",
    "095": "Bạc Liêu", "096": "Cà Mau",
}

# Resolution 202/2025/QH15: the 34 provincial-level units from 1 July 2025.
PROVINCES = [
    "Thành phố Hà Nội", "Thành phố Huế", "Tỉnh Lai Châu", "Tỉnh Điện Biên", "Tỉnh Sơn La", "Tỉnh Lạng Sơn",
    "Tỉnh Quảng Ninh", "Tỉnh Thanh Hóa", "Tỉnh Nghệ An", "Tỉnh Hà Tĩnh", "Tỉnh Cao Bằng", "Tỉnh Tuyên Quang",
    "Tỉnh Lào Cai", "Tỉnh Thái Nguyên", "Tỉnh Phú Thọ", "Tỉnh Bắc Ninh", "Tỉnh Hưng Yên", "Thành phố Hải Phòng",
    "Tỉnh Ninh Bình", "Tỉnh Quảng Trị", "Thành phố Đà Nẵng", "Tỉnh Quảng Ngãi", "Tỉnh Gia Lai", "Tỉnh Khánh Hòa",
    "Tỉnh Lâm Đồng", "Tỉnh Đắk Lắk", "Thành phố Hồ Chí Minh", "Tỉnh Đồng Nai", "Tỉnh Tây Ninh",
    "Thành phố Cần Thơ", "Tỉnh Vĩnh Long", "Tỉnh Đồng Tháp", "Tỉnh Cà Mau", "Tỉnh An Giang",
]

ETHNIC_NAMES = dict(ETHNIC_GROUPS)
NATIONALITY_NAMES = dict(NATIONALITIES)
