from django.db import models


class UnitKind(models.TextChoices):
    PROVINCE = "province", "Tỉnh, thành phố"
    DEPARTMENT = "department", "Sở, ban, ngành"
    DISTRICT = "district", "Huyện, thị xã, thành phố thuộc tỉnh (trước 01/07/2025)"
    OFFICE = "office", "Phòng chuyên môn"
    COMMUNE = "commune", "UBND xã, phường, thị trấn, đặc khu"
    PUBLIC_SERVICE = "public_service", "Đơn vị sự nghiệp"
    POST_OFFICE = "post_office", "Bưu điện"
    SECTION = "section", "Bộ phận thuộc UBND xã"
    OTHER = "other", "Khác"


class PersonCategory(models.TextChoices):
    CADRE = "can_bo", "Cán bộ"
    CIVIL_SERVANT = "cong_chuc", "Công chức"
    PUBLIC_EMPLOYEE = "vien_chuc", "Viên chức"
    PART_TIME = "khong_chuyen_trach", "Người hoạt động không chuyên trách"
    POST_STAFF = "buu_dien", "Nhân viên bưu điện"
    WORKER = "nguoi_lao_dong", "Người lao động"


class Gender(models.TextChoices):
    MALE = "male", "Nam"
    FEMALE = "female", "Nữ"


class Role(models.TextChoices):
    STAFF = "staff", "Cán bộ thi đua – khen thưởng"
    OFFICER = "officer", "Cán bộ đơn vị"
    COUNCIL = "council", "Thành viên Hội đồng TĐKT"
    LEADER = "leader", "Lãnh đạo"
    JUDGE = "judge", "Giám khảo"
