from django import template

register = template.Library()


@register.filter
def levels_at(theme, meeting):
    """The items of ``meeting`` under ``theme`` (themes.report.ThemeSummary)."""
    return theme.levels_at(meeting)
