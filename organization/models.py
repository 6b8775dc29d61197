"""Organization registry: units as a tree of any depth, people, and user profiles.

The tree is stored with a materialized path (``/1/5/23/``) so that "this unit and
everything under it" is one indexed ``startswith`` filter whatever the depth: the
three-level structure of the seeds (province → district → commune) and the
two-level one in force since 01/07/2025 live side by side.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction

from .choices import Gender, PersonCategory, Role, UnitKind
from .scope import ScopedQuerySet


class UnitQuerySet(ScopedQuerySet):
    def subtree(self, unit: Unit) -> UnitQuerySet:
        return self.filter(path__startswith=unit.path)

    def visible(self, root: Unit) -> UnitQuerySet:
        return self.subtree(root)


class Unit(models.Model):
    code = models.CharField("mã đơn vị", max_length=40, unique=True)
    name = models.CharField("tên đơn vị", max_length=255)
    short_name = models.CharField("tên ngắn", max_length=120, blank=True)
    kind = models.CharField("loại đơn vị", max_length=30, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name="đơn vị cấp trên", null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    path = models.CharField("đường dẫn cây", max_length=500, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField("cấp trong cây", default=0, editable=False)
    place_name = models.CharField(
        "địa danh (dùng trên văn bản)", max_length=120, blank=True,
        help_text="Ví dụ: Tam Nông, Hà Nam, Ea Ly",
    )
    valid_from = models.DateField("hoạt động từ", null=True, blank=True)
    valid_until = models.DateField(
        "hoạt động đến", null=True, blank=True,
        help_text="Ví dụ: cấp huyện kết thúc hoạt động ngày 30/06/2025",
    )
    official_code = models.CharField(
        "mã đơn vị hành chính", max_length=10, blank=True, db_index=True,
        help_text="Mã của Cục Thống kê (tỉnh 2 chữ số, huyện 3, xã 5); trống với sở, phòng, đơn vị sự nghiệp",
    )
    successor = models.ForeignKey(
        "self", verbose_name="đơn vị kế thừa sau sắp xếp", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="predecessors",
    )
    is_active = models.BooleanField("đang hoạt động", default=True)
    is_demo = models.BooleanField("dữ liệu mẫu", default=False)
    sort_order = models.IntegerField("thứ tự", default=0)
    email = models.EmailField("thư điện tử", blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            old_path = self.path
            if self.parent_id and old_path and self.parent.path.startswith(old_path):
                raise ValueError("Không thể đặt đơn vị làm cấp dưới của chính nó.")
            if self.pk is None:
                super().save(*args, **kwargs)
                kwargs.pop("force_insert", None)
            self.path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
            self.depth = self.parent.depth + 1 if self.parent_id else 0
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                # Moving a unit moves its whole subtree: rewrite descendants' paths.
                for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    path = self.path + child.path[len(old_path):]
                    Unit.objects.filter(pk=child.pk).update(path=path, depth=path.count("/") - 2)

    @property
    def path_ids(self) -> list[int]:
        """Ids from the root down to this unit, itself included."""
        return [int(x) for x in self.path.strip("/").split("/") if x]

    def ancestors(self) -> list[Unit]:
        ids = self.path_ids[:-1]
        by_id = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
        return [by_id[i] for i in ids if i in by_id]

    def is_within(self, other: Unit) -> bool:
        """True if this unit is ``other`` or lies in its subtree."""
        return bool(other.path) and self.path.startswith(other.path)

    @property
    def display_kind(self) -> str:
        return self.get_kind_display()


class PersonQuerySet(ScopedQuerySet):
    unit_field = "unit"


class Person(models.Model):
    code = models.CharField("mã cá nhân", max_length=40, unique=True, help_text="Mã định danh dùng khi nhập, xuất danh sách")
    full_name = models.CharField("họ và tên", max_length=200)
    gender = models.CharField("giới tính", max_length=10, choices=Gender.choices)
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    category = models.CharField("đối tượng", max_length=30, choices=PersonCategory.choices)
    position = models.CharField("chức vụ", max_length=200, blank=True)
    unit = models.ForeignKey(Unit, verbose_name="đơn vị công tác", on_delete=models.PROTECT, related_name="people")
    rank = models.CharField("ngạch, bậc", max_length=120, blank=True)
    is_head = models.BooleanField("người đứng đầu đơn vị", default=False)
    hometown = models.CharField("quê quán", max_length=200, blank=True)
    residence = models.CharField("nơi thường trú", max_length=255, blank=True)
    nationality = models.CharField("quốc tịch", max_length=60, default="Việt Nam")
    ethnicity = models.CharField("dân tộc", max_length=60, blank=True)
    education = models.CharField("trình độ chuyên môn", max_length=200, blank=True)
    political_theory = models.CharField("trình độ lý luận chính trị", max_length=120, blank=True)
    party_join_date = models.DateField("ngày vào Đảng", null=True, blank=True)
    phone = models.CharField("điện thoại", max_length=30, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    is_active = models.BooleanField("đang công tác", default=True)
    is_demo = models.BooleanField("dữ liệu mẫu", default=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "cá nhân"
        verbose_name_plural = "cá nhân"
        ordering = ["unit__path", "full_name"]

    def __str__(self) -> str:
        return self.full_name


class PerformanceRating(models.Model):
    """The official yearly rating of a person (xếp loại mức độ hoàn thành nhiệm vụ)."""

    person = models.ForeignKey(Person, verbose_name="cá nhân", on_delete=models.CASCADE, related_name="ratings")
    year = models.PositiveSmallIntegerField("năm")
    rating = models.CharField(
        "xếp loại", max_length=20,
        choices=[
            ("excellent", "Hoàn thành xuất sắc nhiệm vụ"),
            ("good", "Hoàn thành tốt nhiệm vụ"),
            ("done", "Hoàn thành nhiệm vụ"),
            ("not_done", "Không hoàn thành nhiệm vụ"),
        ],
    )
    disciplined = models.BooleanField("bị kỷ luật trong năm", default=False)
    discipline_note = models.CharField("hình thức kỷ luật", max_length=200, blank=True)

    class Meta:
        verbose_name = "kết quả xếp loại cá nhân"
        verbose_name_plural = "kết quả xếp loại cá nhân"
        unique_together = [("person", "year")]

    def __str__(self) -> str:
        return f"{self.person} {self.year}: {self.get_rating_display()}"


class UserProfile(models.Model):
    """Which unit a sign-in account belongs to and what it does there."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    person = models.ForeignKey(
        Person, verbose_name="hồ sơ cá nhân", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    must_change_password = models.BooleanField(
        "phải đổi mật khẩu khi đăng nhập", default=False,
        help_text="Bật khi cán bộ thi đua đặt mật khẩu tạm: người dùng đổi mật khẩu trước khi làm việc khác",
    )

    class Meta:
        verbose_name = "tài khoản người dùng"
        verbose_name_plural = "tài khoản người dùng"

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
