"""The initials and abbreviations a set of minutes uses, and whom or what each stands for.

Minutes name owners by initials and post abbreviations ("DCC ACC JI"), and the same letters
can mean a person in one column and a subject in the text ("DA" for Dan Ashby, and for
domestic abuse). The glossary resolves each set of letters as it stood on the day of the
meeting, and is frozen with the minutes, so a later holder of a post or a later owner of the
initials never changes what agreed minutes say.
"""

from people.directory import people_for_initials
from people.models import Body, Post, read_holdings_on

# Labels that are words of the minutes rather than anyone's initials.
FIXED_MEANINGS = {
    "ALL": "All attendees",
    "TBA": "To be allocated: no owner was given at the meeting",
}


def meanings(tokens, meeting, attendances):
    """{token: meaning} for each of ``tokens`` that stands for a post, a body, a person or a
    fixed word, as at ``meeting``'s date: "Deputy Chief Constable: Amanda Blakeman".

    The posts with their holdings on the day, the bodies and the people are each read once
    for the whole meeting, not once an owner: minutes can name hundreds."""
    wanted = set(tokens)
    out = {}
    # Who attended in a post says best who held it that day.
    in_post = {a.post.abbreviation: a.person for a in attendances if a.post_id}
    posts = list(
        Post.objects.filter(abbreviation__in=wanted).select_related("holder").with_holdings_kept()
    )
    read_holdings_on([post for post in posts if post.abbreviation not in in_post], meeting.date)
    for post in posts:
        holder = in_post.get(post.abbreviation) or _holder_on_the_day(post)
        out[post.abbreviation] = f"{post.title}: {holder.name}" if holder else post.title
    for body in Body.objects.filter(label__in=wanted - out.keys()):
        out[body.label] = body.name
    rest = sorted(wanted - out.keys())
    people = people_for_initials(
        [token for token in rest if token not in FIXED_MEANINGS], meeting.date
    )
    for token in rest:
        if token in FIXED_MEANINGS:
            out[token] = FIXED_MEANINGS[token]
        elif person := people.get(token):
            out[token] = f"{person.name}, {person.job_title}" if person.job_title else person.name
    return out


def _holder_on_the_day(post):
    """The holder on the day by the post's history; a post with no history yet (made before
    holdings were kept) can only say who holds it now. The post comes with its holdings
    kept and read on the day."""
    if post.holdings_on_day:
        return post.holdings_on_day[0].person
    return None if post.has_holdings else post.holder


def glossary_entries(meeting, *, owner_texts, attendances):
    """(initials, meaning) in alphabetical order for every label used in an ACTION column or
    the summary: where minutes name people by initials. Text elsewhere is left as written,
    so "DA" in a finding stays the subject it was, while "DA" in the ACTION column is the
    person the glossary names."""
    tokens = {token for text in owner_texts for token in text.split()}
    return sorted(meanings(tokens, meeting, attendances).items())
