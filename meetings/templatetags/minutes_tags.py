from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.filter
def with_meanings(text, doc):
    """Each set of initials in an ACTION column, with whom it stood for on hover and a link
    to its line in the glossary (a title alone reaches neither keyboard nor touch users)."""
    meanings = doc.meaning_of
    return format_html_join(
        " ",
        "{}",
        (
            (
                format_html(
                    '<a href="#initials-{}" class="initials"><abbr title="{}">{}</abbr></a>',
                    token,
                    meanings[token],
                    token,
                )
                if token in meanings
                else token,
            )
            for token in text.split()
        ),
    )
