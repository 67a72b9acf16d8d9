from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format

from people.models import Office
from publication.published import public_documents, published_meetings

FEED_LENGTH = 30


class PublishedMinutesFeed(Feed):
    """Minutes as they are published, newest publication first."""

    feed_type = Atom1Feed
    link = reverse_lazy("public:index")
    language = "en-GB"

    def get_object(self, request):
        # The feed's "object" is the office, whose names title it.
        return Office.current(request)

    def title(self, office):
        return f"Published minutes · {office.name}"

    def author_name(self, office):
        # Atom requires an author of a feed whose entries have none (RFC 4287, 4.1.1).
        return office.name

    def subtitle(self, office):
        return f"Minutes of the {office.commissioner_title}'s meetings, as published."

    def items(self):
        meetings = list(published_meetings().order_by("-published_at", "-pk")[:FEED_LENGTH])
        documents = public_documents(meetings)
        for meeting in meetings:
            meeting.public_doc = documents.get(meeting.pk)
        return [meeting for meeting in meetings if meeting.public_doc is not None]

    def item_title(self, meeting):
        return f"{meeting.title}: minutes published"

    def item_description(self, meeting):
        doc = meeting.public_doc
        count = len(doc.summary)
        actions = f"{count} action{'' if count == 1 else 's'} arising" if count else "No actions"
        return (
            f"The minutes of the meeting of {date_format(meeting.date, 'j F Y')}, published on "
            f"{date_format(timezone.localtime(meeting.published_at), 'j F Y')}. {actions}."
        )

    def item_link(self, meeting):
        return reverse("public:minutes", args=[meeting.pk])

    def item_pubdate(self, meeting):
        return meeting.published_at

    def item_updateddate(self, meeting):
        return meeting.published_at
