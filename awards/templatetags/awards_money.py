"""The "Mức tiền thưởng" page's caveats: a configured figure or basis the data marks
as unverified shows a short "chưa kiểm chứng" badge, its note in the badge's tooltip
and once in a numbered footnote under the table (finding 9 of the new-user trial:
research notes printed inline read "(… (…)) – cần kiểm chứng) – cần kiểm chứng")."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from awards.money import needs_check, tidy_note

register = template.Library()

_KEY = "awards_money_footnotes"


@register.filter
def tidy(value: str) -> str:
    """A note without its "cần kiểm chứng" tails (``money.tidy_note``)."""
    return tidy_note(value)


@register.filter
def unchecked(value: str) -> bool:
    """The configured text says it still needs checking."""
    return needs_check(value)


@register.simple_tag(takes_context=True)
def unverified_badge(context, note: str = "") -> SafeString:
    """``<span class="badge warn">chưa kiểm chứng</span>`` with ``note`` (tidied) as
    tooltip and as a footnote; the same note is one footnote however often it is cited."""
    notes: list[str] = context.render_context.setdefault(_KEY, [])
    text = tidy_note(note)
    if not text:
        return SafeString('<span class="badge warn">chưa kiểm chứng</span>')
    if text not in notes:
        notes.append(text)
    number = notes.index(text) + 1
    return format_html('<span class="badge warn" title="{}">chưa kiểm chứng</span>'
                       '<sup><a href="#amount-note-{}" aria-label="Ghi chú {}">[{}]</a></sup>',
                       text, number, number, number)


@register.simple_tag(takes_context=True)
def unverified_footnotes(context) -> SafeString:
    """The numbered footnotes the badges above cited (nothing when none)."""
    notes: list[str] = context.render_context.get(_KEY, [])
    if not notes:
        return SafeString("")
    items = format_html_join("", '<li id="amount-note-{}">{}</li>', ((i, n) for i, n in enumerate(notes, start=1)))
    return format_html('<ol class="footnotes" id="amount-notes" aria-label="Ghi chú chưa kiểm chứng">{}</ol>', items)
