from __future__ import annotations

from django import forms

from campaigns.choices import AwardAuthority
from campaigns.models import AwardForm, Participant, Round
from organization.choices import Role
from organization.models import Unit

from .choices import PARTICULARS_COLLECTIVE, PARTICULARS_INDIVIDUAL, AttachmentKind
from .services import MEMBER_ROLES


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
    """"Lập cuộc họp": the members are picked from the accounts that may sit on the
    round's council (``services.council_candidates``), each with the position and
    council title prefilled from the account and editable; those without an account
    are typed one a line ("Họ tên; chức vụ; chức danh") and vote on paper only.

    ``cleaned_data["members"]``: the member specs ``services.create_meeting`` takes."""

    held_at = forms.DateTimeField(label="Thời gian bắt đầu", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                  input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"])
    location = forms.CharField(label="Địa điểm", max_length=300)
    number = forms.CharField(label="Số biên bản", max_length=20, required=False,
                             help_text="Chỉ nhập số (ví dụ: 02); ký hiệu BB-HĐTĐKT được in kèm")
    chair = forms.ChoiceField(label="Chủ trì cuộc họp", required=False)
    secretary = forms.ChoiceField(label="Thư ký cuộc họp", required=False)
    members = forms.CharField(
        label="Thành viên không có tài khoản trên hệ thống (mỗi dòng: Họ tên; chức vụ; chức danh trong Hội đồng)",
        widget=forms.Textarea(attrs={"rows": 3}), required=False,
        help_text="Bỏ phiếu giấy; thư ký nhập kết quả kiểm phiếu. Khi không chọn tài khoản nào: dòng đầu là người "
                  "chủ trì, dòng cuối là thư ký.",
    )

    def __init__(self, *args, candidates: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.rows = []  # (checkbox, position, council role) bound fields per account, for the template
        choices = [("", "— thành viên không có tài khoản (dòng đầu / dòng cuối) —")]
        for user in candidates:
            key = f"acct_{user.pk}"
            person = user.profile.person
            name = user.get_full_name() or user.username
            self.fields[key] = forms.BooleanField(label=f"{name} ({user.profile.get_role_display()})",
                                                  required=False, initial=True)
            self.fields[f"{key}_position"] = forms.CharField(label="Chức vụ", max_length=300, required=False,
                                                             initial=person.position if person else "")
            self.fields[f"{key}_role"] = forms.CharField(label="Chức danh trong Hội đồng", max_length=100,
                                                         required=False, initial=MEMBER_ROLES[user.profile.role])
            choices.append((str(user.pk), name))
        self.fields["chair"].choices = choices
        self.fields["secretary"].choices = choices
        first = {role: next((str(u.pk) for u in candidates if u.profile.role == role), "") for role in MEMBER_ROLES}
        self.fields["chair"].initial = first[Role.LEADER] or (str(candidates[0].pk) if candidates else "")
        self.fields["secretary"].initial = first[Role.STAFF]
        self.account_rows = [(self[f"acct_{u.pk}"], self[f"acct_{u.pk}_position"], self[f"acct_{u.pk}_role"])
                             for u in candidates]

    @property
    def plain_fields(self) -> list:
        """The fields other than the per-account rows (rendered as paragraphs)."""
        return [self[name] for name in ("held_at", "location", "number", "chair", "secretary", "members")]

    def _guests(self) -> list[dict]:
        rows = []
        lines = [line for line in self.cleaned_data.get("members", "").splitlines() if line.strip()]
        for i, line in enumerate(lines, start=1):
            parts = [p.strip() for p in line.split(";")]
            if not parts[0]:
                self.add_error("members", f"Dòng {i}: thiếu họ tên.")
                continue
            rows.append({"name": parts[0], "position": parts[1] if len(parts) > 1 else "",
                         "council_role": parts[2] if len(parts) > 2 and parts[2] else "Ủy viên",
                         "is_chair": False, "is_secretary": False, "present": True})
        return rows

    def clean(self):
        data = super().clean()
        chair, secretary = data.get("chair") or "", data.get("secretary") or ""
        accounts = []
        for user in self.candidates:
            key = f"acct_{user.pk}"
            if not data.get(key):
                if str(user.pk) in (chair, secretary):
                    self.add_error(None, f"{user.get_full_name() or user.username} được chọn làm chủ trì hoặc thư ký "
                                         "nhưng chưa được chọn vào Hội đồng.")
                continue
            accounts.append({
                "name": user.get_full_name() or user.username, "user": user, "person": user.profile.person,
                "position": (data.get(f"{key}_position") or "").strip(),
                "council_role": (data.get(f"{key}_role") or "").strip() or "Ủy viên",
                "is_chair": str(user.pk) == chair, "is_secretary": str(user.pk) == secretary, "present": True,
            })
        guests = self._guests()
        # Chair and secretary without an account: the first and the last typed line.
        if guests and not chair:
            guests[0]["is_chair"] = True
        if len(guests) > 1 and not secretary:
            guests[-1]["is_secretary"] = True
        members = accounts + guests
        if len(members) < 3:
            self.add_error(None, "Hội đồng cần ít nhất 03 thành viên.")
        elif not any(m["is_chair"] for m in members):
            self.add_error("chair", "Chọn người chủ trì cuộc họp.")
        if chair and chair == secretary:
            self.add_error("secretary", "Thư ký phải khác người chủ trì.")
        data["members"] = members
        for user in self.candidates:  # the service takes the member specs, not the form's own fields
            for suffix in ("", "_position", "_role"):
                data.pop(f"acct_{user.pk}{suffix}", None)
        data.pop("chair", None)
        data.pop("secretary", None)
        return data


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
        help_text="Ví dụ: Phòng Nội vụ, Văn phòng, Sở Nội vụ, Phòng Văn hóa – Xã hội; để trống: Phòng Nội vụ (Sở Nội "
                  "vụ), nếu không có thì Văn phòng của cơ quan quyết định; trình cấp trên: đơn vị của bạn",
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
        self.round_ = round_
        self.fields["proposal_unit"].queryset = Unit.objects.for_user(user).filter(is_active=True).order_by("path")
        self.fields["award_forms"].queryset = round_.campaign.award_forms.exclude(authority=AwardAuthority.PARTICIPANT)

    def clean(self):
        data = super().clean()
        data["award_forms"] = list(data.get("award_forms") or []) or None  # none ticked: the issuer's own forms
        if not data.get("upward"):
            try:
                data["proposal_unit"] = self._local_proposer(data.get("proposal_unit"))
            except forms.ValidationError as exc:
                self.add_error("proposal_unit", exc)  # a field error: the page's message names the field
        return data

    def _local_proposer(self, chosen: Unit | None) -> Unit | None:
        """Who presents a Tờ trình to the campaign's own deciding authority: the
        chosen unit, or left blank the advisory body under the authority (its Phòng /
        Sở Nội vụ, standing body of the emulation council, else its Văn phòng).
        Never the authority proposing to itself (finding 8 of the new-user trial:
        "UBND huyện kính trình Chủ tịch UBND huyện"): refused, as a blank with no
        such body under the authority."""
        authority = self.round_.campaign.issuing_unit
        if chosen is not None and chosen.pk != authority.pk:
            return chosen
        if chosen is None:
            under = self.fields["proposal_unit"].queryset.filter(parent=authority)
            for prefix in ("Phòng Nội vụ", "Sở Nội vụ", "Văn phòng"):
                found = under.filter(name__istartswith=prefix).order_by("path").first()
                if found is not None:
                    return found
        why = ("để trống nhưng không tìm thấy Phòng Nội vụ hay Văn phòng trực thuộc " + authority.name if chosen is None
               else f"{authority.name} quyết định khen thưởng nên không tự trình mình")
        raise forms.ValidationError(
            f"{why}; chọn cơ quan tham mưu trình (Phòng Nội vụ, Văn phòng …) thuộc {authority.name}, "
            "hoặc đánh dấu “Trình cấp trên quyết định”.")


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
