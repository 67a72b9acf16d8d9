from django import template

register = template.Library()


@register.filter
def items_in(theme, slot):
    """The items under ``theme`` (themes.report.ThemeSummary) in ``slot``."""
    return theme.items_in(slot)


@register.filter
def level_counts_in(theme, slot):
    return theme.level_counts_in(slot)
