"""The form that raises an action on the record page, in Chromium (issue 26): the kind of due
reveals only its own fields (GOV.UK's conditional reveal, each radio naming its fields in
aria-controls; not aria-expanded, which ARIA does not allow on a radio), the people who may
own it are found by typing part of a name (no Ctrl-click multiple select), and "Owned by
bodies" is not an empty group while no body is set up. Without script every field shows and
the action is raised as before."""

import datetime
import re

from playwright.sync_api import expect

from actions.forms import people_offered
from actions.models import Action
from people.models import Person
from tests.browser.test_workspace import open_november

TEXT = "The Athena benefits realisation report to be shared with the PCC's office."


def open_the_form(page, live_demo, november, item):
    page.goto(f"{live_demo.url}/meetings/{november.pk}/record/#item-{item.pk}")
    page.locator(f"#add-action-{item.pk}").click()
    form = page.get_by_role("group", name=f"New action arising at item {item.label}", exact=True)
    expect(form).to_be_focused()
    return form


def test_the_kind_of_due_shows_its_own_fields_and_people_are_found_by_typing(
    page, live_demo, login, assert_accessible
):
    november = open_november()
    item = november.items.get(parent=None, number="2")
    jackie = Person.objects.get(initials="JI")
    offered = people_offered().count()
    login(page, "officer")
    page.set_viewport_size({"width": 1280, "height": 800})
    form = open_the_form(page, live_demo, november, item)

    fields = {
        label: form.get_by_label(label, exact=True)
        for label in [
            "Due by",
            "Due at the meeting in",
            "Of the series",
            "At the particular meeting",
            "Due as minuted",
        ]
    }

    def shown():
        return [label for label, field in fields.items() if field.is_visible()]

    # "Not set", chosen at first, has no fields.
    not_set = form.get_by_role("radio", name="Not set", exact=True)
    expect(not_set).to_be_checked()
    assert shown() == []
    expect(not_set).not_to_have_attribute("aria-controls", re.compile(".*"))
    by_date = form.get_by_role("radio", name="By a date", exact=True)
    month = form.get_by_role("radio", name=re.compile("^At the meeting in a month"))
    expect(by_date).to_have_attribute(
        "aria-controls",
        f"div_id_action-{item.pk}-due_date div_id_action-{item.pk}-due_wording",
    )

    # The arrows choose the kind; its fields appear, the others' go.
    not_set.focus()
    page.keyboard.press("ArrowDown")
    expect(by_date).to_be_checked()
    assert shown() == ["Due by", "Due as minuted"]
    page.keyboard.press("ArrowDown")
    expect(month).to_be_checked()
    assert shown() == ["Due at the meeting in", "Of the series", "Due as minuted"]
    form.get_by_role("radio", name=re.compile("^At a meeting")).check()
    assert shown() == ["Of the series", "At the particular meeting", "Due as minuted"]
    form.get_by_role("radio", name=re.compile("^Open-ended")).check()
    assert shown() == ["Due as minuted"]

    # No body is set up in the demo: no "Owned by bodies" group with nothing in it.
    expect(form.get_by_role("group", name="Owned by bodies")).to_have_count(0)

    # People: a filter box, no name in the way until one is looked for.
    people = form.get_by_role("group", name="Owned by people", exact=True)
    names = people.get_by_role("checkbox", include_hidden=True)
    expect(names).to_have_count(offered)
    assert [box.is_visible() for box in names.all()] == [False] * offered
    show_all = people.get_by_role("button", name=f"Show all {offered} people", exact=True)
    expect(show_all).to_have_attribute("aria-expanded", "false")
    # One filter, in the people's own group.
    expect(form.get_by_role("textbox", name="Filter people")).to_have_count(1)
    box = people.get_by_role("textbox", name="Filter people", exact=True)
    box.focus()
    page.keyboard.type("irv")
    status = people.get_by_role("status")
    expect(status).to_have_text(f"1 of {offered} people matches.")
    ji = people.get_by_role("checkbox", name=re.compile("^Jackie Irvin"))
    assert [b.is_visible() for b in names.all()].count(True) == 1
    expect(ji).to_be_visible()
    # Enter goes to the first match rather than sending the form.
    page.keyboard.press("Enter")
    expect(ji).to_be_focused()
    page.keyboard.press("Space")
    expect(ji).to_be_checked()
    box.fill("")
    box.dispatch_event("input")
    # Ticked, it stays in view when the box is emptied; the others fold away again.
    expect(ji).to_be_visible()
    assert [b.is_visible() for b in names.all()].count(True) == 1
    show_all.click()
    assert [b.is_visible() for b in names.all()] == [True] * offered
    expect(status).to_have_text(f"All {offered} people shown.")
    expect(
        people.get_by_role("button", name="Show only the people ticked", exact=True)
    ).to_have_attribute("aria-expanded", "true")
    assert_accessible(page)

    # Raised by a date, with the person ticked through the filter.
    form.get_by_role("textbox", name="Action*", exact=True).fill(TEXT)
    form.get_by_role("radio", name="By a date", exact=True).check()
    fields["Due by"].fill("20 December 2017")
    form.get_by_role("button", name=f"Raise the action at item {item.label}").click()
    expect(page.locator(f"#item-{item.pk} ul.record-actions > li").last).to_contain_text(TEXT)
    action = Action.objects.get(item=item)
    assert (action.text, list(action.owner_people.all()), action.due_kind, action.due_date) == (
        TEXT,
        [jackie],
        "date",
        datetime.date(2017, 12, 20),
    )


def test_without_script_every_due_field_and_person_shows_and_the_action_is_raised(
    browser, live_demo, login
):
    november = open_november()
    item = november.items.get(parent=None, number="2")
    jackie = Person.objects.get(initials="JI")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    login(page, "officer")
    page.goto(f"{live_demo.url}/meetings/{november.pk}/record/")
    page.get_by_role("link", name=f"Add an action to item {item.label}", exact=True).click()
    form = page.get_by_role("main")
    for label in ["Due by", "Due at the meeting in", "Of the series", "Due as minuted"]:
        expect(form.get_by_label(label, exact=True)).to_be_visible()
    expect(form.get_by_role("textbox", name="Filter people")).to_have_count(0)
    form.get_by_role("textbox", name="Action*", exact=True).fill(TEXT)
    form.get_by_role("checkbox", name=re.compile("^Jackie Irvin")).check()
    form.get_by_role("radio", name=re.compile("^At the meeting in a month")).check()
    form.get_by_label("Due at the meeting in", exact=True).fill("January 2018")
    # Typed in another kind's field: ignored, as the kind chosen says.
    form.get_by_label("Due by", exact=True).fill("20 December 2017")
    form.get_by_role("button", name="Raise the action").click()
    expect(page.get_by_text(re.compile(r"^Action 2017/11-\d+ raised at item 2\."))).to_be_visible()
    action = Action.objects.get(item=item)
    assert (list(action.owner_people.all()), action.due_kind, action.due_date) == (
        [jackie],
        "month",
        None,
    )
    assert action.due_meeting == datetime.date(2018, 1, 1)
    context.close()


def test_a_due_restored_from_a_draft_stays_in_view_though_its_kind_is_not(page, live_demo, login):
    """keep-typed.js restores the text typed, not the radio chosen: the restored "Due by" is
    not hidden behind "Not set"."""
    november = open_november()
    item = november.items.get(parent=None, number="2")
    login(page, "officer")
    form = open_the_form(page, live_demo, november, item)
    form.get_by_role("radio", name="By a date", exact=True).check()
    form.get_by_label("Due by", exact=True).press_sequentially("20 December 2017")
    page.reload()
    form = open_the_form(page, live_demo, november, item)
    restored = page.locator(f"#actions-{item.pk} .keep-typed-restored")
    expect(restored).to_contain_text("Restored what you typed")
    expect(form.get_by_role("radio", name="Not set", exact=True)).to_be_checked()
    expect(form.get_by_label("Due by", exact=True)).to_have_value("20 December 2017")
    expect(form.get_by_label("Due by", exact=True)).to_be_visible()
    expect(form.get_by_label("Due at the meeting in", exact=True)).to_be_hidden()
