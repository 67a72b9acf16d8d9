"""What free text may hold: what the screen, the database, Word and Excel can all read.

The forms store text through ``plain_text`` (``core.forms.PlainTextField``), and the Word
minutes pass what they write through it again, for text stored before the forms did so.
"""

import re

# Word's Shift+Enter pastes as a vertical tab and its page break as a form feed; browsers send
# \r\n. All of them are line breaks, and the minutes keep line breaks.
LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c]")
# XML 1.0, and so a Word or Excel file, cannot hold the other C0 controls (NUL, which
# PostgreSQL cannot store either, among them), lone surrogates, U+FFFE or U+FFFF: python-docx
# refuses the whole document. None of them shows as anything.
NOT_IN_XML = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def plain_text(text):
    """``text`` with its line breaks as \\n and without what XML cannot hold; tabs stay."""
    return NOT_IN_XML.sub("", LINE_BREAKS.sub("\n", text))
