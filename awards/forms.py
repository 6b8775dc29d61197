from __future__ import annotations

from django import forms

from campaigns.choices import AwardAuthority
from campaigns.models import AwardForm, Participant, Round
from organization.models import Unit

from .choices import PARTICULARS_COLLECTIVE, PARTICULARS_INDIVIDUAL, AttachmentKind


class NominationCreateForm(forms.Form):
    award_form = forms.ModelChoiceField(label="Hình thức khen thưởng", queryset=AwardForm.objects.none())
    nominee = forms.ChoiceField(label="Tập thể / cá nhân được đề nghị")

    def __init__(self, *args, round_: Round, participants: list[Participant], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["award_form"].queryset = round_.campaign.award_forms.exclude(award_type="prize")
        choices = []
        for p in participants:
            if p.unit_id:
                choices.append((f"u:{p.unit_id}", f"Tập thể: {p.unit.name}"))
            else:
                choices.append((f"p:{p.person_id}", f"Cá nhân: {p.person.full_name} – {p.person.position}, {p.person.unit.name}"))
        self.fields["nominee"].choices = [("", "— chọn —"), *choices]

    def nominee_ids(self) -> tuple[int | None, int | None]:
        kind, _, pk = self.cleaned_data["nominee"].partition(":")
        return (int(pk), None) if kind == "u" else (None, int(pk))


class ReportForm(forms.Form):
    duties = forms.CharField(label="Chức năng, nhiệm vụ được giao / đặc điểm tình hình", required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    other = forms.CharField(label="Thành tích khác", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    awards_received = forms.CharField(label="Các hình thức khen thưởng đã được ghi nhận", required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    summary = forms.CharField(label="Tóm tắt thành tích", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, achievements: list[dict], particulars: dict[str, str] | None = None,
                 individual: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Sơ lược lý lịch / đặc điểm tình hình: every item of the form, labelled in Vietnamese.
        labels = PARTICULARS_INDIVIDUAL if individual else PARTICULARS_COLLECTIVE
        self.particular_fields = []
        for key, label in labels.items():
            self.fields[f"p_{key}"] = forms.CharField(label=label, required=False, max_length=300,
                                                      initial=(particulars or {}).get(key, ""))
            self.particular_fields.append(f"p_{key}")
        self.achievement_fields = []
        for i, item in enumerate(achievements):
            name = f"ach_{i}"
            self.fields[name] = forms.CharField(label=item.get("text", ""), required=False,
                                                widget=forms.Textarea(attrs={"rows": 2}), initial=item.get("content", ""))
            self.achievement_fields.append(name)

    def achievements(self) -> list[str]:
        return [self.cleaned_data.get(name, "") for name in self.achievement_fields]

    def particulars(self) -> dict[str, str]:
        return {name[2:]: self.cleaned_data.get(name, "") for name in self.particular_fields}


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label="Loại tài liệu", choices=AttachmentKind.choices)
    title = forms.CharField(label="Tên tài liệu", max_length=300)
    file = forms.FileField(
        label="Tệp",
        help_text="PDF, Word, Excel, OpenDocument, ảnh JPEG/PNG, ZIP hoặc văn bản thuần (.txt); tối đa 20 MB. "
                  "Hệ thống kiểm tra nội dung tệp, không chỉ đuôi tệp.",
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 20 * 1024 * 1024:
            raise forms.ValidationError("Tệp vượt quá 20 MB.")
        return f


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 2}))


class DeadlineExceptionForm(forms.Form):
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=Unit.objects.none())
    until = forms.DateField(label="Được gửi đến hết ngày", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="Lý do gia hạn", max_length=500)

    def __init__(self, *args, units, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class MeetingForm(forms.Form):
    held_at = forms.DateTimeField(label="Thời gian bắt đầu", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                  input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"])
    location = forms.CharField(label="Địa điểm", max_length=300)
    number = forms.CharField(label="Số biên bản", max_length=20, required=False,
                             help_text="Chỉ nhập số (ví dụ: 02); ký hiệu BB-HĐTĐKT được in kèm")
    members = forms.CharField(
        label="Thành viên Hội đồng (mỗi dòng: Họ tên; chức vụ; chức danh trong Hội đồng)",
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text="Dòng đầu là người chủ trì, dòng cuối là thư ký.",
    )

    def clean_members(self) -> list[dict]:
        rows = []
        lines = [line for line in self.cleaned_data["members"].splitlines() if line.strip()]
        for i, line in enumerate(lines, start=1):
            parts = [p.strip() for p in line.split(";")]
            if not parts[0]:
                raise forms.ValidationError(f"Dòng {i}: thiếu họ tên.")
            rows.append({
                "name": parts[0], "position": parts[1] if len(parts) > 1 else "",
                "council_role": parts[2] if len(parts) > 2 and parts[2] else "Ủy viên",
                "is_chair": i == 1, "is_secretary": i == len(lines) and len(lines) > 1, "present": True,
            })
        if len(rows) < 3:
            raise forms.ValidationError("Hội đồng cần ít nhất 03 thành viên.")
        return rows


class TallyForm(forms.Form):
    yes = forms.IntegerField(label="Đồng ý", min_value=0)
    no = forms.IntegerField(label="Không đồng ý", min_value=0)
    abstain = forms.IntegerField(label="Không biểu quyết", min_value=0, initial=0, required=False)
    absent_yes = forms.IntegerField(label="Văn bản đồng ý", min_value=0, initial=0, required=False)
    absent_no = forms.IntegerField(label="Văn bản không đồng ý", min_value=0, initial=0, required=False)
    absent_opinions = forms.CharField(label="Ý kiến bằng văn bản", required=False)


class DecisionCreateForm(forms.Form):
    """A Tờ trình: its proposing agency (with its own number and symbol), and the award
    forms it covers, all of one deciding authority (the service refuses a mix)."""

    proposal_unit = forms.ModelChoiceField(
        label="Cơ quan trình", queryset=Unit.objects.none(), required=False,
        help_text="Ví dụ: Phòng Nội vụ, Văn phòng, Sở Nội vụ, Phòng Văn hóa – Xã hội; để trống: đơn vị của bạn",
    )
    proposal_number = forms.CharField(label="Số tờ trình", max_length=20, required=False,
                                      help_text="Chỉ nhập số (ví dụ: 12); ký hiệu nhập ở ô dưới")
    proposal_symbol = forms.CharField(label="Ký hiệu tờ trình", max_length=40, initial="TTr-UBND",
                                      help_text="Ký hiệu của cơ quan trình, ví dụ: TTr-UBND, TTr-SNV, TTr-VHXH")
    proposal_date = forms.DateField(label="Ngày tờ trình", widget=forms.DateInput(attrs={"type": "date"}))
    upward = forms.BooleanField(label="Trình cấp trên quyết định (Bằng khen của Chủ tịch UBND tỉnh, của Thủ tướng …)",
                                required=False)
    award_forms = forms.ModelMultipleChoiceField(
        label="Hình thức khen thưởng", queryset=AwardForm.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Mỗi tờ trình gồm các hình thức của một cấp quyết định; để trống: mọi hình thức do cơ quan ban hành "
                  "phong trào quyết định",
    )
    addressee = forms.CharField(label="Kính gửi", max_length=300, required=False,
                                help_text="Để trống: người có thẩm quyền quyết định hình thức đã chọn")
    proposal_signer_title = forms.CharField(label="Chức vụ người ký tờ trình", required=False,
                                            widget=forms.Textarea(attrs={"rows": 2}))
    proposal_signer_name = forms.CharField(label="Người ký tờ trình", max_length=200, required=False)

    def __init__(self, *args, round_: Round, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposal_unit"].queryset = Unit.objects.for_user(user).filter(is_active=True).order_by("path")
        self.fields["award_forms"].queryset = round_.campaign.award_forms.exclude(authority=AwardAuthority.PARTICIPANT)

    def clean(self):
        data = super().clean()
        data["award_forms"] = list(data.get("award_forms") or []) or None  # none ticked: the issuer's own forms
        return data


class ExternalDecisionForm(forms.Form):
    """The higher level's decision returned for an upward Tờ trình."""

    number = forms.CharField(label="Số quyết định", max_length=20, help_text="Chỉ nhập số")
    symbol = forms.CharField(label="Ký hiệu", max_length=40, initial="QĐ-UBND", help_text="Ví dụ: QĐ-UBND, QĐ-TTg")
    decision_date = forms.DateField(label="Ngày quyết định", widget=forms.DateInput(attrs={"type": "date"}))
    signer_title = forms.CharField(label="Chức vụ người ký", max_length=200, required=False, initial="CHỦ TỊCH")
    signer_name = forms.CharField(label="Người ký", max_length=200)
    scan = forms.FileField(label="Bản chụp quyết định đã ký (PDF, PNG, JPG)")


class DecisionIssueForm(forms.Form):
    number = forms.CharField(label="Số quyết định", max_length=20)
    decision_date = forms.DateField(label="Ngày quyết định", widget=forms.DateInput(attrs={"type": "date"}))


VOTE_CHOICES = [("1", "Đồng ý"), ("0", "Không đồng ý")]


class BallotForm(forms.Form):
    """One ballot: đồng ý / không đồng ý for every nomination on the agenda (none left blank)."""

    def __init__(self, *args, agenda: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.agenda = agenda
        for n in agenda:
            self.fields[f"vote_{n.pk}"] = forms.ChoiceField(
                label=f"{n.nominee_name} – {n.award_form.name}", choices=VOTE_CHOICES, widget=forms.RadioSelect,
                error_messages={"required": "Chưa chọn đồng ý hoặc không đồng ý."},
            )

    def votes(self) -> dict[int, bool]:
        return {n.pk: self.cleaned_data[f"vote_{n.pk}"] == "1" for n in self.agenda}


class WrittenOpinionForm(BallotForm):
    """An absent member's written opinion, entered by the secretary."""

    def __init__(self, *args, members: list, agenda: list, **kwargs) -> None:
        super().__init__(*args, agenda=agenda, **kwargs)
        self.fields = {
            "member": forms.TypedChoiceField(label="Thành viên vắng mặt", coerce=int,
                                             choices=[(m.pk, m.name) for m in members]),
            **self.fields,
            "note": forms.CharField(label="Nội dung ý kiến (tóm tắt)", max_length=500, required=False),
        }
        self.members = {m.pk: m for m in members}

    def clean_member(self):
        return self.members[self.cleaned_data["member"]]
