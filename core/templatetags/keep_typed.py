import json

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html

from core.keep_typed import script_settings

register = template.Library()


@register.simple_tag(takes_context=True)
def keep_typed_script(context):
    """The script that keeps what is typed, told who is signed in, which forms were just saved
    and when the session will end (settings a Content-Security-Policy lets no inline script
    carry)."""
    request = context.get("request")
    found = script_settings(request) if request is not None else {"user": "", "saved": []}
    return format_html(
        '<script src="{}" defer data-user="{}" data-saved="{}" data-session-seconds="{}" '
        'data-warn-seconds="{}" data-keep-alive="{}" data-sign-in="{}"></script>',
        static("js/keep-typed.js"),
        found["user"],
        json.dumps(found["saved"]),
        found.get("session_seconds", ""),
        found.get("warn_seconds", ""),
        reverse("keep_alive"),
        reverse("login"),
    )
