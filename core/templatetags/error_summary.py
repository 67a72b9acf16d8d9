"""The GOV.UK error summary: one list, at the top of the page, of every error of every form
the page shows, each linking to its field.

``{% forms_in_error as error_forms %}`` finds the forms in error in the template's context
(forms, formsets and django-filter filter sets, under whatever names the view chose), so
that base.html can put the summary first and "Error: " before the title on every page.
"""

from django import forms, template
from django_filters import FilterSet

register = template.Library()


def _forms_of(value):
    # type(), not isinstance(): isinstance would evaluate a lazy object (the user) to ask.
    kind = type(value)
    if issubclass(kind, forms.BaseForm):
        yield value
    elif issubclass(kind, forms.BaseFormSet):
        yield from value.forms
        yield value
    elif issubclass(kind, FilterSet):
        yield value.form


def _in_error(form):
    if isinstance(form, forms.BaseFormSet):
        return form.is_bound and bool(form.non_form_errors())
    return form.is_bound and bool(form.errors)


@register.simple_tag(takes_context=True)
def forms_in_error(context):
    found = []
    seen = set()
    for value in context.flatten().values():
        for form in _forms_of(value):
            if id(form) not in seen and _in_error(form):
                seen.add(id(form))
                found.append(form)
    return found


def field_anchor(form, name):
    """The id of the input a summary link should focus: the first of a group of radios or
    checkboxes (their group has no id of its own), the field itself otherwise."""
    anchors = getattr(form, "error_anchors", None)
    if anchors and name in anchors:
        return anchors[name]
    field = form[name]
    widget = field.field.widget
    auto_id = field.auto_id
    if not auto_id:
        return ""
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{auto_id}_0"
    if isinstance(widget, forms.MultiWidget):
        return f"{auto_id}_0"
    return auto_id


def _first_visible_anchor(form):
    for field in form.visible_fields():
        return field_anchor(form, field.name)
    return ""


@register.simple_tag
def error_summary_items(error_forms):
    """(message, anchor id) pairs: non-field errors first, then fields in the form's order."""
    items = []
    for form in error_forms:
        if isinstance(form, forms.BaseFormSet):
            first = form.forms[0] if form.forms else None
            anchor = _first_visible_anchor(first) if first is not None else ""
            items.extend((str(message), anchor) for message in form.non_form_errors())
            continue
        fallback = _first_visible_anchor(form)
        items.extend((str(message), fallback) for message in form.non_field_errors())
        for name in form.fields:
            if name not in form.errors:
                continue
            # A hidden field's error (a stale version) is about the whole form.
            anchor = fallback if form[name].is_hidden else field_anchor(form, name)
            label = form[name].label if not form[name].is_hidden else ""
            for message in form.errors[name]:
                text = str(message)
                items.append((f"{label}: {text}" if label and _needs_label(text) else text, anchor))
    # The same message linked to the same place (a formset's repeated error) is listed once.
    unique = []
    for item in items:
        if item not in unique:
            unique.append(item)
    return unique


# Django's stock messages do not name the field; ours mostly do. A summary entry must make
# sense on its own, away from the field.
GENERIC = {
    "This field is required.",
    "Enter a valid date.",
    "Enter a valid time.",
    "Enter a whole number.",
    "Enter a number.",
    "Enter a valid email address.",
    "Enter a valid URL.",
}


def _needs_label(text):
    return text in GENERIC or text.startswith("Select a valid choice")
