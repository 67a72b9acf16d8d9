"""The initials and abbreviations a set of minutes uses, and whom or what each stands for.

Minutes name owners by initials and post abbreviations ("DCC ACC JI"), and the same letters
can mean a person in one column and a subject in the text ("DA" for Dan Ashby, and for
domestic abuse). The glossary resolves each set of letters as it stood on the day of the
meeting, and is frozen with the minutes, so a later holder of a post or a later owner of the
initials never changes what agreed minutes say.
"""

from meetings.models import Person, Post

# Labels that are words of the minutes rather than someone's initials.
FIXED_MEANINGS = {
    "ALL": "All attendees",
}


def tokens_of(text):
    return [token for token in text.split() if token]


def meanings(tokens, meeting, attendances):
    """{token: meaning} for each of ``tokens`` that stands for a post, a person or a fixed
    word, read as at ``meeting``'s date: "Deputy Chief Constable: Amanda Blakeman"."""
    wanted = set(tokens)
    out = {}
    # Who attended in a post says best who held it that day.
    in_post = {a.post.abbreviation: a.person for a in attendances if a.post_id}
    for post in Post.objects.filter(abbreviation__in=wanted).select_related("holder"):
        holder = in_post.get(post.abbreviation) or _holder_on(post, meeting.date)
        out[post.abbreviation] = f"{post.title}: {holder.name}" if holder else post.title
    for token, person in _people(wanted - out.keys(), meeting.date).items():
        out[token] = f"{person.name}, {person.job_title}" if person.job_title else person.name
    for token in wanted - out.keys():
        if token in FIXED_MEANINGS:
            out[token] = FIXED_MEANINGS[token]
    return out


def _holder_on(post, on_date):
    holder_on = getattr(post, "holder_on", None)
    return holder_on(on_date) if holder_on else post.holder


def _people(tokens, on_date):
    """The people minuted under ``tokens`` on ``on_date``: their initials then, which may
    since have changed."""
    if not tokens:
        return {}
    return {p.initials: p for p in Person.objects.filter(initials__in=tokens)}


def glossary_entries(meeting, *, owner_texts, attendances):
    """(initials, meaning) in alphabetical order for every label used in an ACTION column or
    the summary: where minutes name people by initials. Text elsewhere is left as written,
    so "DA" in a finding stays the subject it was, while "DA" in the ACTION column is the
    person the glossary names."""
    tokens = {token for text in owner_texts for token in tokens_of(text)}
    found = meanings(tokens, meeting, attendances)
    return sorted(found.items(), key=lambda entry: entry[0])
