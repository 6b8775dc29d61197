from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.forms import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core import listing
from core.views import perform
from organization.rules import allowed
from organization.scope import get_for_user

from . import services
from .choices import CampaignStatus, Subject
from .forms import SECTIONS, CampaignForm, QuotaFormSet, section_formset
from .models import Campaign, Participant, Quota, Round

MANAGE = "campaigns.manage_campaign"


def get_campaign_for_user(user, code: str) -> Campaign:
    return get_for_user(Campaign, user, code=code)


def _managed(request: HttpRequest, campaign: Campaign | None) -> None:
    """403 unless the user manages ``campaign`` (``None``: some campaign)."""
    if not allowed(request.user, MANAGE, campaign):
        raise PermissionDenied("Bạn không có quyền quản lý phong trào.")


@login_required
def campaign_list(request):
    campaigns = (
        Campaign.objects.for_user(request.user)
        .select_related("issuing_unit", "parent")
        .annotate(n_participants=Count("participants", distinct=True))
        .order_by("-start_date", "pk")
    )
    # Paged on the server; ?q= searches title, code and issuing unit (core.listing).
    page = listing.paginate(request, campaigns, search_fields=("title", "code", "issuing_unit__name"))
    return render(request, "campaigns/campaign_list.html", {"campaigns": page.rows, "page": page.page, "listing": page})


@login_required
def campaign_detail(request, code: str):
    """One page with everything the plan states; constant queries whatever the size."""
    campaign = get_campaign_for_user(request.user, code)
    rounds = campaign.rounds.prefetch_related(
        Prefetch("quotas", queryset=Quota.objects.select_related("award_form", "group"))
    )
    criteria = list(campaign.criteria.select_related("group", "content"))
    participants = (
        Participant.objects.for_user(request.user).filter(campaign=campaign)
        .select_related("unit", "person__unit", "group").order_by("group__order", "unit__path", "person__full_name")
    )
    return render(request, "campaigns/campaign_detail.html", {
        "campaign": campaign,
        "contents": campaign.contents.all(),
        "groups": campaign.groups.all(),
        "collective_criteria": [c for c in criteria if c.subject == Subject.COLLECTIVE],
        "individual_criteria": [c for c in criteria if c.subject == Subject.INDIVIDUAL],
        "rounds": rounds,
        "award_forms": campaign.award_forms.all(),
        "participants": participants,
        "children": campaign.children.filter(pk__in=Campaign.objects.for_user(request.user)),
        "sections": [(key, label) for key, (label, _) in SECTIONS.items()],
    })


@login_required
def campaign_edit(request, code: str | None = None):
    campaign = get_campaign_for_user(request.user, code) if code else None
    _managed(request, campaign)
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = perform(request, services.save_campaign, form, success="Đã lưu phong trào.")
        if saved is not None:
            return redirect("campaigns:detail", saved.code)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": campaign})


def _edit_section(request: HttpRequest, campaign: Campaign, formset: BaseInlineFormSet, *, section: str,
                  label: str, success: str) -> HttpResponse:
    """Show one inline section's formset; save it (audited) on a valid POST."""
    if request.method == "POST" and formset.is_valid():
        if perform(request, services.save_campaign_section, campaign, formset, section=section, success=success):
            return redirect("campaigns:detail", campaign.code)
    return render(request, "campaigns/campaign_section.html", {"campaign": campaign, "formset": formset, "label": label})


@login_required
def campaign_section(request, code: str, section: str):
    campaign = get_campaign_for_user(request.user, code)
    if section not in SECTIONS:
        raise PermissionDenied
    _managed(request, campaign)
    label = SECTIONS[section][0]
    formset = section_formset(section, campaign, request.POST or None)
    return _edit_section(request, campaign, formset, section=section, label=label, success=f"Đã lưu mục “{label}”.")


@login_required
def round_quotas(request, code: str, round_id: int):
    campaign = get_campaign_for_user(request.user, code)
    round_ = get_object_or_404(Round, pk=round_id, campaign=campaign)
    _managed(request, campaign)
    formset = QuotaFormSet(request.POST or None, instance=round_, prefix="quotas", form_kwargs={"campaign": campaign})
    return _edit_section(request, campaign, formset, section="quotas", label=f"Chỉ tiêu khen thưởng – {round_.name}",
                         success="Đã lưu chỉ tiêu số lượng khen thưởng.")


@login_required
@require_POST
def campaign_status(request, code: str):
    campaign = get_campaign_for_user(request.user, code)
    to = request.POST.get("to", "")
    if to not in CampaignStatus.values:
        messages.error(request, "Trạng thái không hợp lệ.")
    else:
        perform(request, services.change_campaign_status, campaign, to=to, comment=request.POST.get("comment", ""),
                success="Đã cập nhật trạng thái phong trào.")
    return redirect("campaigns:detail", campaign.code)


@login_required
@require_POST
def round_close(request, code: str, round_id: int):
    campaign = get_campaign_for_user(request.user, code)
    round_ = get_object_or_404(Round, pk=round_id, campaign=campaign)
    perform(request, services.close_round, round_,
            success=f"Đã khóa {round_.name}; kết quả xếp hạng được đóng băng.")
    return redirect("campaigns:detail", campaign.code)


@login_required
def participants_register(request, code: str, group_code: str):
    """Staff tick the units (or people) of their scope that take part in a group."""
    campaign = get_campaign_for_user(request.user, code)
    _managed(request, campaign)
    group = get_object_or_404(campaign.groups, code=group_code)
    if request.method == "POST":
        n = perform(request, services.register_chosen, campaign, group, request.POST.getlist("ids"))
        if n is not None:
            messages.success(request, f"Đã đăng ký thêm {n} đối tượng vào nhóm “{group.name}”.")
            return redirect("campaigns:detail", campaign.code)
    candidates, taken = services.registration_candidates(campaign, group, request.user)
    return render(request, "campaigns/participants_register.html", {
        "campaign": campaign, "group": group, "candidates": candidates, "taken": taken})
