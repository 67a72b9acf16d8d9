"""What the minutes announce to the apps above them, which they do not import.

``meeting_opened`` is sent when an officer opens a meeting of a series, after its standing
agenda is made; each receiver answers with the agenda items it added (the action log brings
its outstanding actions forward: ``actions.apps``).
"""

from django.dispatch import Signal

meeting_opened = Signal()
