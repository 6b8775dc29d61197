"""``{% load permissions %}{% can "awards.appraise_nomination" nomination as can_appraise %}``:
the template side of ``organization.rules.allowed`` (the request's user)."""

from __future__ import annotations

from django import template

from organization.rules import allowed

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, perm: str, obj=None) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return user is not None and allowed(user, perm, obj)
