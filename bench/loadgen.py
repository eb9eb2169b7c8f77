"""A deterministic synthetic province for benchmarks: units on every level, thousands of
staff, ~2,200 procedures, 200,000 citizens and N dossiers over three years in every state,
with their hand-offs, events, components and file rows.

Rows are written with PostgreSQL COPY (executemany on SQLite) in batches. On PostgreSQL the
dossier tables' secondary indexes, unique and foreign-key constraints are dropped for the load
and rebuilt in the same transaction once the rows are in, as pg_restore does: a sorted index
build and one anti-join per foreign key instead of maintaining 40 indexes row by row and
checking 12 million deferred keys at COMMIT. Every constraint is validated when it is added
back, so the result is the same tables with the same guarantees.

Times are computed from an in-memory working-day list (the same holidays and exceptions as
portal.workdays) rather than per dossier through the calendar API, which would take hours at
this size. Used by `bench/generate_load.py`, never by tests of behaviour.
"""

import contextlib
import datetime
import io
import operator
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from dossiers.models import Channel, Delivery, Dossier, DossierComponent, DossierEvent, DossierFile, Outcome, Status
from dossiers.services import dossier_fields
from portal import workdays
from portal.models import Membership, Role, Unit, UnitLevel, User
from procedures.models import (
    ComponentRequirement,
    Field,
    Procedure,
    ProcedureMethod,
    ProcedureVersion,
    RouteStep,
    TimeUnit,
)
from workflow.models import Handoff, Timeliness

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
PROVINCE_CODE = "L01"
BATCH = 50_000
# From this many dossiers on, indexes and constraints are rebuilt after the load rather than
# maintained row by row (a rebuild reads the whole table, so small loads into a big one lose).
REBUILD_FROM = 50_000

PLACES = ["Phú Bình", "Đồng Hỷ", "Võ Nhai", "Định Hóa", "Phú Lương", "Đại Từ", "Phổ Yên", "Sông Công",
          "Tân Cương", "Quyết Thắng", "Cam Giá", "Gia Sàng", "Túc Duyên", "Quang Trung", "Tích Lương",
          "Hương Sơn", "Kha Sơn", "Nga My", "Úc Kỳ", "Điềm Thụy", "Xuân Phương", "Bảo Lý", "Tân Thành",
          "Lương Phú", "Thượng Đình", "Dương Thành", "Bàn Đạt", "Đào Xá", "Hà Châu", "Tân Đức"]
FIELDS = ["Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Đăng ký kinh doanh", "Lao động", "Người có công",
          "Bảo trợ xã hội", "Giáo dục", "Y tế", "Tư pháp", "Nông nghiệp", "Tài nguyên nước", "Môi trường",
          "Giao thông", "Công thương", "Văn hóa", "Thể thao", "Du lịch", "Thông tin", "Nội vụ", "Tôn giáo",
          "Thi đua khen thưởng", "Dân tộc", "Thuế", "Hải quan", "Ngân hàng", "Quốc phòng", "Khoa học", "Thanh tra"]
ACTIONS = ["Cấp", "Đăng ký", "Gia hạn", "Điều chỉnh", "Thu hồi", "Xác nhận", "Thẩm định", "Công nhận"]
OBJECTS = ["giấy phép", "giấy chứng nhận", "hồ sơ", "văn bản", "quyết định", "chứng chỉ", "thông tin", "bản sao"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Ma"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Thanh", "Hữu", "Bảo"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Huyền", "Khánh", "Lan",
         "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Yến"]


class Writer:
    """Buffered bulk insert of plain tuples into one table (COPY on PostgreSQL)."""

    def __init__(self, model, columns):
        self.table = model._meta.db_table
        self.columns = columns
        self.quoted = ", ".join(f'"{c}"' for c in columns)
        self.rows = []
        self.count = 0

    def add(self, row):
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self):
        if not self.rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                get = _COPY_FORMAT.get
                buffer = io.StringIO("\n".join(["\t".join([(get(type(v)) or _copy_other)(v) for v in row])
                                               for row in self.rows]) + "\n")
                cursor.cursor.copy_expert(f'COPY "{self.table}" ({self.quoted}) FROM STDIN', buffer)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f'INSERT INTO "{self.table}" ({self.quoted}) VALUES ({marks})',
                                   [tuple(_sql_value(v) for v in row) for row in self.rows])
        self.count += len(self.rows)
        self.rows = []


def _copy_text(text):
    if "\\" in text or "\t" in text or "\n" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text


def _copy_other(value):
    """Subclasses (TextChoices and IntegerChoices members) and anything else."""
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(int(value))
    return _copy_text(str(value))


# COPY text format per Python type (a dict lookup per value: the hot loop of the generator).
_COPY_FORMAT = {
    str: _copy_text,
    int: str,
    float: repr,
    Decimal: str,
    bool: lambda v: "t" if v else "f",
    type(None): lambda v: "\\N",
    datetime.datetime: datetime.datetime.isoformat,
    datetime.date: datetime.date.isoformat,
    datetime.time: datetime.time.isoformat,
}


def _sql_value(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


@contextmanager
def rebuilt_after(*models):
    """Drop the secondary indexes, unique and foreign-key constraints of the models' tables, run
    the block, then create them again (validating every constraint). Must run inside a
    transaction: a failure leaves the tables as they were. A no-op except on PostgreSQL."""
    if connection.vendor != "postgresql":
        yield
        return
    assert connection.in_atomic_block, "rebuilt_after() needs a transaction"
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u', 'x') ORDER BY contype DESC, conname",
            [tables])
        constraints = cursor.fetchall()  # unique/exclusion before foreign keys when re-adding
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
            [tables])
        indexes = cursor.fetchall()
        # Check what the transaction has deferred so far: a table with pending checks (rows
        # inserted earlier in it) cannot lose or gain a foreign key.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _definition, _kind in sorted(constraints, key=lambda c: c[3] != "f"):
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')  # foreign keys first
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition, _kind in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def next_ids(model, count):
    """Reserve `count` consecutive primary keys after the table's current maximum."""
    start = (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    return range(start, start + count)


def reset_sequences(*models):
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                           f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 1))")


class WorkingDays:
    """Working days of the whole period, in memory, for fast due-date arithmetic (8-hour days,
    07:00–11:30 and 13:30–17:00; the real calendar's holidays and exceptions)."""

    def __init__(self, start, end):
        self.days = list(workdays.iter_working_days(start, end + datetime.timedelta(days=120)))
        self.index = {day: i for i, day in enumerate(self.days)}

    def at_or_after(self, day):
        while day not in self.index:
            day += datetime.timedelta(days=1)
        return self.index[day]

    def moment(self, i, hour):
        """A moment `hour` working hours into working day i (0 <= hour <= 8)."""
        day = self.days[min(i, len(self.days) - 1)]
        clock = 7 * 60 + round(hour * 60)
        if clock > 11 * 60 + 30:
            clock += 120  # lunch break
        return datetime.datetime.combine(day, datetime.time(clock // 60, clock % 60), tzinfo=HANOI)

    def add(self, i, hour, budget_hours):
        """(day index, hour) after adding working hours."""
        total = hour + budget_hours
        days, rest = divmod(total, 8)
        if rest == 0 and days > 0:
            days, rest = days - 1, 8
        return i + int(days), rest


@dataclass
class Province:
    province: Unit
    centre: Unit
    departments: list
    districts: list
    offices: dict  # district pk -> [office units]
    communes: list  # (commune, district)
    staff: dict = field(default_factory=dict)  # (unit pk, role) -> [user ids]


def build_province(rng):
    levels = {level.code: level for level in UnitLevel.objects.all()}
    existing = Unit.objects.filter(code=PROVINCE_CODE).first()
    if existing:
        return load_province(existing)
    province = Unit.objects.create(name="Ủy ban nhân dân tỉnh Thử Tải", short_name="UBND tỉnh Thử Tải",
                                   code=PROVINCE_CODE, level=levels["province"])
    centre = Unit.objects.create(name="Trung tâm Phục vụ hành chính công tỉnh Thử Tải", code=f"{PROVINCE_CODE}.100",
                                 level=levels["province-department"], parent=province)
    departments = [Unit.objects.create(name=f"Sở {name} tỉnh Thử Tải", code=f"{PROVINCE_CODE}.D{n:02d}",
                                       level=levels["province-department"], parent=province)
                   for n, name in enumerate(FIELDS[:20], start=1)]
    districts, offices, communes = [], {}, []
    for d in range(9):
        district = Unit.objects.create(name=f"Ủy ban nhân dân huyện {PLACES[d]}", code=f"{PROVINCE_CODE}.{d + 10}",
                                       level=levels["district"], parent=province)
        districts.append(district)
        offices[district.pk] = [
            Unit.objects.create(name=f"Phòng {FIELDS[o]} huyện {PLACES[d]}", code=f"{district.code}.P{o + 1}",
                                level=levels["district-office"], parent=district)
            for o in range(6)]
        for c in range(20):
            name = PLACES[(d * 7 + c) % len(PLACES)]
            commune = Unit.objects.create(name=f"Ủy ban nhân dân xã {name} {d + 1}-{c + 1}",
                                          code=f"{district.code}.{c + 1:02d}", level=levels["commune"],
                                          parent=district)
            communes.append((commune, district))
    result = Province(province, centre, departments, districts, offices, communes)
    _create_staff(result, rng)
    return result


def load_province(province):
    units = list(Unit.objects.filter(path__startswith=province.path).select_related("level"))
    by_code = {u.code: u for u in units}
    districts = [u for u in units if u.level.code == "district"]
    result = Province(
        province=province, centre=by_code[f"{PROVINCE_CODE}.100"],
        departments=[u for u in units if u.code.startswith(f"{PROVINCE_CODE}.D")],
        districts=districts,
        offices={d.pk: [u for u in units if u.parent_id == d.pk and u.level.code == "district-office"]
                 for d in districts},
        communes=[(u, by_code[u.code.rsplit(".", 1)[0]]) for u in units if u.level.code == "commune"],
    )
    for unit_id, role, user_id in Membership.objects.filter(unit__in=units).values_list("unit", "role", "user"):
        result.staff.setdefault((unit_id, role), []).append(user_id)
    return result


def _create_staff(province, rng):
    plan = [(province.province, Role.SUPERVISOR, 3), (province.province, Role.EDITOR, 3),
            (province.centre, Role.CLERK, 8)]
    plan += [(u, role, n) for u in province.departments for role, n in ((Role.OFFICER, 6), (Role.LEADER, 2))]
    plan += [(u, role, n) for u in province.districts for role, n in ((Role.CLERK, 3), (Role.SUPERVISOR, 1),
                                                                        (Role.LEADER, 1))]
    plan += [(u, role, n) for offices in province.offices.values() for u in offices
             for role, n in ((Role.OFFICER, 3), (Role.LEADER, 1))]
    plan += [(c, role, n) for c, _d in province.communes for role, n in ((Role.CLERK, 2), (Role.OFFICER, 6),
                                                                           (Role.LEADER, 2))]
    total = sum(n for *_rest, n in plan)
    ids = iter(next_ids(User, total))
    users = Writer(User, ["id", "password", "is_superuser", "username", "first_name", "last_name", "email",
                          "is_staff", "is_active", "date_joined", "full_name", "phone"])
    members = Writer(Membership, ["user_id", "unit_id", "role", "title", "is_head", "valid_from"])
    now = timezone.now()
    for unit, role, count in plan:
        for n in range(count):
            user_id = next(ids)
            users.add((user_id, "!", False, f"lt.{role}.{unit.code}.{n}".lower(), "", "", "", False, True, now,
                       _name(rng), ""))
            members.add((user_id, unit.pk, role, "", n == 0, datetime.date(2020, 1, 1)))
            province.staff.setdefault((unit.pk, role), []).append(user_id)
    users.flush()
    members.flush()
    reset_sequences(User, Membership)


def _name(rng):
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


@dataclass
class Route:
    version: ProcedureVersion
    version_id: int
    procedure_id: int
    level: str  # where dossiers are received: commune | district | province
    steps: list  # (handler kind, budget hours): kind is "counter", "self", "office", "department"
    budget_hours: int
    components: list  # (requirement id, name)


def build_catalogue(province, rng, count):
    existing = list(ProcedureVersion.objects.filter(procedure__national_code__startswith="9.").values_list(
        "pk", flat=True)[:1])
    if not existing:
        _create_catalogue(province, rng, count)
    routes = []
    versions = ProcedureVersion.objects.filter(procedure__national_code__startswith="9.").select_related(
        "authority_level").prefetch_related("steps__handler_level", "components")
    for version in versions:
        steps = [(_step_kind(s, version), float(s.budget) * 8) for s in version.steps.all()]
        level = {"province-department": "province"}.get(version.authority_level.code, version.authority_level.code)
        routes.append(Route(version, version.pk, version.procedure_id, level,
                            steps, int(version.processing_time * 8),
                            [(c.pk, c.name) for c in version.components.all()]))
    return routes


def _step_kind(step, version):
    if step.is_counter:
        return "counter"
    code = step.handler_level.code
    if code == "district-office":
        return "office"
    if code == "province-department":
        return "department"
    return "self"


STEP_ACTIONS = ["Tiếp nhận, kiểm tra, chuyển hồ sơ", "Thẩm định hồ sơ, dự thảo kết quả", "Lãnh đạo xem xét, ký",
                "Trả kết quả"]


def _create_catalogue(province, rng, count):
    levels = {level.code: level for level in UnitLevel.objects.all()}
    fields = [Field.objects.get_or_create(code=f"lt-{n}", defaults={"name": name})[0]
              for n, name in enumerate(FIELDS)]
    procedure_ids = next_ids(Procedure, count)
    version_ids = next_ids(ProcedureVersion, count)
    procedures = Writer(Procedure, ["id", "national_code", "field_id", "name", "search_text", "created_at",
                                    "updated_at"])
    versions = Writer(ProcedureVersion, [
        "id", "procedure_id", "number", "status", "effective_from", "decision_number", "name", "authority_level_id",
        "subjects", "result", "requirements", "online_level", "time_unit", "processing_time", "processing_time_note",
        "supplement_clock_rule", "supplement_window_days", "fee_payment", "settled_on_spot",
        "change_note", "created_at", "updated_at", "published_at"])
    steps = Writer(RouteStep, ["version_id", "order", "is_counter", "handler_level_id", "action", "budget"])
    components = Writer(ComponentRequirement, ["version_id", "order", "name", "originals", "certified_copies",
                                               "photocopies", "is_required", "accepted_types", "note",
                                               "form_template", "eform"])
    methods = Writer(ProcedureMethod, ["version_id", "channel", "processing_time", "fee_amount", "fee_note",
                                       "description"])
    from procedures.text import search_key

    now = timezone.now()
    for n, (procedure_id, version_id) in enumerate(zip(procedure_ids, version_ids, strict=True)):
        fld = fields[n % len(fields)]
        level = "commune" if n % 10 < 6 else ("district" if n % 10 < 9 else "province")
        name = f"{rng.choice(ACTIONS)} {rng.choice(OBJECTS)} {fld.name.lower()} {n + 1}"
        days = rng.choice([3, 5, 7, 10, 15, 20])
        code = f"9.{n + 1:06d}"
        procedures.add((procedure_id, code, fld.pk, name, search_key(f"{name} {code}"), now, now))
        authority = {"commune": "commune", "district": "district", "province": "province-department"}[level]
        versions.add((version_id, procedure_id, 1, "published", datetime.date(2023, 1, 1), "", name,
                      levels[authority].pk, "Công dân, tổ chức", "Văn bản kết quả", "", rng.choice([2, 3, 4]),
                      TimeUnit.WORKING_DAYS, days, "", "pause", 3, "before", False, "", now, now,
                      now))
        middle = {"commune": "self", "district": "office", "province": "department"}[level]
        route = [("counter", "0.5"), (middle, str(days - 2)), ("self" if level != "province" else "department", "1"),
                 ("counter", "0.5")]
        for order, (kind, budget) in enumerate(route):
            handler = {"self": levels[level if level != "province" else "province-department"].pk,
                       "office": levels["district-office"].pk, "department": levels["province-department"].pk}
            steps.add((version_id, order, kind == "counter", None if kind == "counter" else handler[kind],
                       STEP_ACTIONS[order], budget))
        for order in range(2):
            components.add((version_id, order, f"Thành phần {order + 1} của {name}", 1, order, 0, order == 0,
                            "pdf,jpg,png", "", "", "{}"))
        methods.add((version_id, "counter", days, 0, "", ""))
    for writer in (procedures, versions, steps, components, methods):
        writer.flush()
    reset_sequences(Procedure, ProcedureVersion, RouteStep, ComponentRequirement, ProcedureMethod)


def build_citizens(rng, count):
    have = User.objects.filter(username__startswith="lt.cd.").count()
    if have >= count:
        return list(User.objects.filter(username__startswith="lt.cd.").values_list("pk", flat=True)[:count])
    ids = next_ids(User, count - have)
    users = Writer(User, ["id", "password", "is_superuser", "username", "first_name", "last_name", "email",
                          "is_staff", "is_active", "date_joined", "full_name", "phone", "personal_id"])
    now = timezone.now()
    for n, user_id in enumerate(ids, start=have):
        users.add((user_id, "!", False, f"lt.cd.{n}", "", "", f"cd{n}@example.vn", False, True, now, _name(rng),
                   f"09{n:08d}", f"{9_000_000_000 + n:012d}"))
    users.flush()
    reset_sequences(User)
    return list(User.objects.filter(username__startswith="lt.cd.").values_list("pk", flat=True)[:count])


# Share of old dossiers (finished long ago) per final state; recent ones spread over open states.
OLD_STATES = [(Status.RETURNED, 88), (Status.WITHDRAWN, 3), (Status.STOPPED, 1), (Status.NOT_ACCEPTED, 2),
              (Status.RESULT_READY, 2), (Status.RETURNED, 4)]
RECENT_STATES = [(Status.SUBMITTED, 6), (Status.RECEIVED, 10), (Status.PROCESSING, 45),
                 (Status.SUPPLEMENT_REQUESTED, 8), (Status.PAYMENT_REQUESTED, 3), (Status.RESULT_READY, 10),
                 (Status.RETURNED, 18)]


DOSSIER_COLUMNS = [
    "id", "code", "lookup_pin", "procedure_id", "procedure_version_id", "applicant_name", "applicant_personal_id",
    "applicant_address", "applicant_phone", "applicant_email", "organisation_name", "organisation_tax_code",
    "representative_name", "representative_personal_id", "citizen_id", "receiving_unit_id", "current_unit_id",
    "channel", "delivery", "sets_count", "status", "outcome", "is_priority", "submitted_at", "received_at",
    "received_by_id", "due_at", "finished_at", "returned_at", "note", "supplement_count", "decision_note",
    "returned_by_id", "collected_by", "post_tracking_number", "created_at", "updated_at"]

# Recent dossiers drawn in these states take the state their route's timeline gives at `now`.
TIMELINE_STATES = (Status.RECEIVED, Status.PROCESSING, Status.RESULT_READY, Status.RETURNED)


def _pick(rng, table):
    total = sum(weight for _state, weight in table)
    x = rng.uniform(0, total)
    for state, weight in table:
        x -= weight
        if x <= 0:
            return state
    return table[-1][0]


def build_dossiers(province, routes, citizens, rng, count, *, years=3, progress=None):
    now = timezone.now()
    start_day = timezone.localdate(now) - datetime.timedelta(days=365 * years)
    calendar = WorkingDays(start_day, timezone.localdate(now))
    today_index = calendar.at_or_after(timezone.localdate(now))
    placeholder = _placeholder_files()
    dossier_ids = iter(next_ids(Dossier, count))
    dossiers = Writer(Dossier, DOSSIER_COLUMNS)
    # Columns the constructor leaves to the model's defaults (organisation, email...).
    dossier_defaults = {f.attname: f.get_default() for f in Dossier._meta.concrete_fields
                        if f.attname in DOSSIER_COLUMNS}
    dossier_row = operator.itemgetter(*DOSSIER_COLUMNS)
    handoffs = Writer(Handoff, ["dossier_id", "order", "kind", "unit_id", "unit_name", "action", "budget",
                                "time_unit", "state", "assignee_id", "started_at", "received_by_id", "due_at",
                                "finished_at", "handed_by_id", "outcome", "note", "notified"])
    events = Writer(DossierEvent, ["dossier_id", "at", "actor_id", "unit_id", "transition", "from_status",
                                   "to_status", "note"])
    components = Writer(DossierComponent, ["dossier_id", "order", "name", "originals", "certified_copies",
                                           "photocopies", "requirement_id"])
    files = Writer(DossierFile, ["dossier_id", "kind", "file", "original_name", "content_type", "size", "sha256",
                                 "uploaded_by_id", "uploaded_at"])
    sequences = {}
    by_level = {"commune": [c for c, _d in province.communes], "district": province.districts,
                "province": [province.centre]}
    commune_district = {c.pk: d for c, d in province.communes}
    for n in range(count):
        route = routes[rng.randrange(len(routes))]
        unit = rng.choice(by_level[route.level])
        day_index = rng.randrange(0, today_index + 1)
        hour = rng.uniform(0, 7.5)
        received = calendar.moment(day_index, hour)
        if received > now:
            received = now - datetime.timedelta(minutes=rng.randint(5, 600))
        age_days = (now - received).days
        state = _pick(rng, OLD_STATES if age_days > 40 else RECENT_STATES)
        dossier_id = next(dossier_ids)
        key = (unit.pk, timezone.localdate(received))  # the day of the code (dossier_build)
        sequences[key] = sequences.get(key, 0) + 1
        online = state == Status.SUBMITTED or state == Status.NOT_ACCEPTED or rng.random() < 0.25
        citizen = rng.choice(citizens) if (online or rng.random() < 0.3) and citizens else None
        clerk = _one(rng, province.staff.get((unit.pk, Role.CLERK)))
        due_i, due_h = calendar.add(day_index, hour, route.budget_hours)
        due = calendar.moment(due_i, due_h) if state not in (Status.SUBMITTED, Status.NOT_ACCEPTED) else None
        late = rng.random() < 0.08
        supplements = 2 if rng.random() < 0.01 else (1 if rng.random() < 0.07 else 0)
        received_at = None if state in (Status.SUBMITTED, Status.NOT_ACCEPTED) else received
        handlers = _handlers(route, unit, province, commune_district)
        # Walk the steps: each takes its budget, a little less when early, more when late.
        moments, cursor_i, cursor_h = [], day_index, hour
        for kind, budget in route.steps:
            spent = budget * (rng.uniform(1.05, 1.6) if late and kind != "counter" else rng.uniform(0.3, 1.0))
            step_due = calendar.add(cursor_i, cursor_h, budget)
            cursor_i, cursor_h = calendar.add(cursor_i, cursor_h, spent)
            moments.append((calendar.moment(*step_due), calendar.moment(cursor_i, cursor_h)))
        finished_steps = _finished_steps(state, len(route.steps))
        if state in TIMELINE_STATES and age_days <= 40:
            # A recent dossier is where `now` falls on its route: steps that ended are done, the
            # one running is active (late ones, slower, are the overdue backlog). Drawing the
            # state alone would put results in the future (clamped to now) and leave most open
            # dossiers far past their due dates.
            done = sum(1 for _due, end in moments if end <= now)
            if done == 0:
                state, finished_steps = Status.RECEIVED, 0
            elif done < len(moments) - 1:
                state, finished_steps = Status.PROCESSING, done
            elif done == len(moments) - 1 or state == Status.RESULT_READY:
                state, finished_steps = Status.RESULT_READY, len(moments) - 1
            else:
                state, finished_steps = Status.RETURNED, len(moments)
        finished_at = moments[-2][1] if state in (Status.RESULT_READY, Status.RETURNED, Status.STOPPED) else None
        returned_at = moments[-1][1] if state == Status.RETURNED else None
        if finished_at and finished_at > now:
            finished_at = now - datetime.timedelta(minutes=1)
        if returned_at and returned_at > now:
            returned_at = now
        current = handlers[min(finished_steps, len(handlers) - 1)] if received_at else unit
        outcome = (Outcome.REFUSED if rng.random() < 0.03 else Outcome.APPROVED) if finished_at else ""
        # The field values from the constructor's pure half, as a reception computes them (code,
        # priority, receiving unit...), with those of the state the dossier ended in.
        pin = f"{rng.randrange(10**6):06d}"
        applicant = {"applicant_name": _name(rng), "applicant_personal_id": f"{rng.randrange(10**11, 10**12)}",
                     "applicant_address": f"Thôn {rng.randint(1, 20)}, {unit.name}",
                     "applicant_phone": f"09{rng.randrange(10**8):08d}"}
        values = dossier_fields(
            version=route.version, unit=unit, channel=Channel.ONLINE if online else Channel.COUNTER, status=state,
            applicant=applicant, number=sequences[key], submitted_at=received, received_at=received_at, due_at=due,
            delivery=Delivery.ONLINE if online else Delivery.COUNTER, lookup_pin=pin,
            id=dossier_id, citizen_id=citizen, received_by_id=clerk if received_at else None,
            current_unit_id=current.pk, outcome=outcome, finished_at=finished_at, returned_at=returned_at,
            supplement_count=supplements, returned_by_id=clerk if returned_at else None, created_at=received,
            updated_at=received)
        dossiers.add(dossier_row({**dossier_defaults, **values}))
        if received_at:
            for order, ((kind, budget), handler, (step_due, step_end)) in enumerate(
                    zip(route.steps, handlers, moments, strict=True)):
                if order < finished_steps:
                    step_state = Handoff.State.DONE
                elif order == finished_steps and state in (Status.RECEIVED, Status.PROCESSING,
                                                           Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED,
                                                           Status.RESULT_READY):
                    step_state = Handoff.State.ACTIVE
                else:
                    step_state = Handoff.State.PENDING if state not in (Status.WITHDRAWN, Status.STOPPED,
                                                                        Status.RETURNED) else Handoff.State.SKIPPED
                started = moments[order - 1][1] if order else received
                done = step_state == Handoff.State.DONE
                end = min(step_end, now) if done else None
                handoffs.add((
                    dossier_id, order, "counter" if kind == "counter" else "process", handler.pk, handler.name,
                    f"Bước {order + 1}", Decimal(budget / 8).quantize(Decimal("0.01")), TimeUnit.WORKING_DAYS,
                    step_state, None, started if step_state != Handoff.State.PENDING else None, None,
                    step_due if step_state != Handoff.State.PENDING else None, end, clerk if done else None,
                    _timeliness(end, step_due) if done else "", "", "[]"))
            for order, (requirement_id, name) in enumerate(route.components):
                components.add((dossier_id, order, name, 1, 0, 0, requirement_id))
            files.add((dossier_id, "component", placeholder[n % len(placeholder)], "scan.pdf", "application/pdf",
                       1024, "0" * 64, clerk, received))
        for at, transition, before, after in _events(state, received, received_at, finished_at, returned_at, now):
            events.add((dossier_id, at, clerk if transition != "submit" else citizen, unit.pk, transition, before,
                        after, ""))
        if progress and (n + 1) % 100_000 == 0:
            progress(n + 1)
    for writer in (dossiers, handoffs, events, components, files):
        writer.flush()
    _save_sequences(sequences)
    reset_sequences(Dossier, Handoff, DossierEvent, DossierComponent, DossierFile)
    return {"dossiers": dossiers.count, "handoffs": handoffs.count, "events": events.count,
            "components": components.count, "files": files.count}


def _one(rng, ids):
    return rng.choice(ids) if ids else None


def _handlers(route, unit, province, commune_district):
    district = commune_district.get(unit.pk, unit if unit.level.code == "district" else None)
    department = province.departments[route.version_id % len(province.departments)]
    result = []
    for kind, _budget in route.steps:
        if kind == "counter":
            result.append(unit)
        elif kind == "self":
            result.append(unit if route.level != "province" else department)
        elif kind == "office" and district is not None:
            offices = province.offices[district.pk]
            result.append(offices[route.version_id % len(offices)])
        else:
            result.append(department)
    return result


def _finished_steps(state, steps):
    done = {Status.RECEIVED: 0, Status.PROCESSING: 1, Status.SUPPLEMENT_REQUESTED: 1, Status.PAYMENT_REQUESTED: 2,
            Status.RESULT_READY: steps - 1, Status.RETURNED: steps, Status.WITHDRAWN: 1, Status.STOPPED: 2}
    return done.get(state, 0)


def _timeliness(end, due):
    if end > due:
        return Timeliness.LATE
    return Timeliness.EARLY if end.date() < due.date() else Timeliness.ON_TIME


def _events(state, submitted, received_at, finished_at, returned_at, now):
    rows = []
    if received_at is None:
        rows.append((submitted, "submit", "", Status.SUBMITTED))
        if state == Status.NOT_ACCEPTED:
            rows.append((submitted + datetime.timedelta(hours=2), "refuse_reception", Status.SUBMITTED,
                         Status.NOT_ACCEPTED))
        return rows
    rows.append((received_at, "receive", "", Status.RECEIVED))
    if state == Status.RECEIVED:
        return rows
    step = min(received_at + datetime.timedelta(hours=4), now)
    if state == Status.WITHDRAWN:
        return rows + [(step, "withdraw", Status.RECEIVED, Status.WITHDRAWN)]
    rows.append((step, "start_processing", Status.RECEIVED, Status.PROCESSING))
    if state == Status.SUPPLEMENT_REQUESTED:
        rows.append((min(step + datetime.timedelta(hours=4), now), "request_supplement", Status.PROCESSING,
                     Status.SUPPLEMENT_REQUESTED))
    elif state == Status.PAYMENT_REQUESTED:
        rows.append((min(step + datetime.timedelta(hours=4), now), "request_payment", Status.PROCESSING,
                     Status.PAYMENT_REQUESTED))
    elif state == Status.STOPPED:
        rows.append((finished_at, "stop", Status.PROCESSING, Status.STOPPED))
    elif state in (Status.RESULT_READY, Status.RETURNED):
        rows.append((finished_at, "finish", Status.PROCESSING, Status.RESULT_READY))
        if returned_at:
            rows.append((returned_at, "return_result", Status.RESULT_READY, Status.RETURNED))
    return rows


def _placeholder_files():
    """A few tiny PDF blobs shared by every generated file row (rows are what is measured)."""
    names = []
    for n in range(4):
        name = f"loadgen/placeholder-{n}.pdf"
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(b"%PDF-1.4\n%placeholder\n%%EOF\n"))
        names.append(name)
    return names


def _save_sequences(sequences):
    from dossiers.models import DossierSequence

    writer = Writer(DossierSequence, ["unit_id", "series", "day", "last"])
    existing = set(DossierSequence.objects.filter(series="dossier").values_list("unit_id", "day"))
    for (unit_id, day), last in sequences.items():
        if (unit_id, day) not in existing:
            writer.add((unit_id, "dossier", day, last))
    writer.flush()
    reset_sequences(DossierSequence)


def generate(*, dossiers, seed, procedures=2200, citizens=200_000, years=3, stdout=None):
    rng = random.Random(seed)

    def say(message):
        if stdout:
            stdout.write(message)

    with transaction.atomic():
        province = build_province(rng)
        say(f"units: {Unit.objects.filter(path__startswith=province.province.path).count()}, "
            f"staff memberships: {sum(len(v) for v in province.staff.values())}")
        routes = build_catalogue(province, rng, procedures)
        say(f"procedures: {len(routes)}")
        citizen_ids = build_citizens(rng, citizens)
        say(f"citizens: {len(citizen_ids)}")
    if Dossier.objects.filter(receiving_unit__path__startswith=province.province.path).exists():
        say("dossiers already generated for this province: nothing to do")
        return None
    tables = (Dossier, Handoff, DossierEvent, DossierComponent, DossierFile)
    rebuild = dossiers >= REBUILD_FROM
    with transaction.atomic():
        with rebuilt_after(*tables) if rebuild else contextlib.nullcontext():
            counts = build_dossiers(province, routes, citizen_ids, rng, dossiers, years=years,
                                    progress=lambda n: say(f"  {n:,} dossiers"))
            if rebuild:
                say("rebuilding indexes and validating constraints")
    say(", ".join(f"{key}: {value:,}" for key, value in counts.items()))
    if connection.vendor == "postgresql":
        # VACUUM too, not only ANALYZE: a fresh bulk load has no visibility map, so index-only
        # scans (the dashboard's) would visit the table until autovacuum comes by.
        with connection.cursor() as cursor:
            if not connection.in_atomic_block:  # VACUUM cannot run inside a transaction
                for model in tables:
                    cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
            cursor.execute("ANALYZE")
    return counts
