"""The office's names and logo in templates rendered outside a request, where the context
processor does not run: the minutes' PDF."""

import base64

from django import template

from people.models import Office

register = template.Library()


@register.simple_tag(takes_context=True)
def current_office(context):
    """The office the context carries (the context processor's, or one its caller passed),
    else looked up."""
    return context.get("office") or Office.current()


@register.simple_tag
def logo_data_uri(office):
    """The logo inline, as a data: address: a PDF then has it without fetching it from this
    site. Empty when there is no logo, or its file cannot be read."""
    if not office.logo:
        return ""
    try:
        with office.logo.open("rb") as file:
            content = file.read()
    except OSError:
        return ""
    return f"data:{office.logo_content_type};base64,{base64.b64encode(content).decode()}"
