"""Who answers for an action, as a person to write to: the holder of each owner post, each
owner person, and each member of an owner body. Reminders and circulation both ask."""

from django.contrib.auth.models import AnonymousUser

from people import roles


def login_of(person):
    """The login a person's emails are written for: theirs if active, else an anonymous
    user, who sees what the public sees."""
    user = person.user
    if user is not None and user.is_active:
        return user
    return AnonymousUser()


def sees_restricted(person):
    return roles.sees_all_minutes(login_of(person))


def owners_of(actions):
    """(person, [actions]) for everyone who answers for ``actions``, and the actions that no
    one does: unowned ones (to be allocated) and those of vacant posts or empty bodies.

    A post's action goes to its holder now; a body's to its members, except under a
    restricted item, where it goes only to members who may see the item (as the action
    log lists it: ``ActionQuerySet.owned_by``).
    """
    people, nobody = {}, []
    for action in actions:
        owners = [post.holder for post in action.owner_posts.all() if post.holder]
        owners += list(action.owner_people.all())
        for body in action.owner_bodies.all():
            owners += [
                member
                for member in body.members.all()
                if not action.item.withheld_reason or sees_restricted(member)
            ]
        if not owners:
            nobody.append(action)
        for person in owners:
            listed = people.setdefault(person.pk, (person, []))[1]
            if action not in listed:
                listed.append(action)
    return sorted(people.values(), key=lambda pair: pair[0].name), nobody
