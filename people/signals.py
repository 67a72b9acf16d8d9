"""What the directory announces to the apps above it, which it does not import.

``login_powers_changed`` is sent when a login's role changes or it is deactivated: what was
made for it under its old powers (a kept export of the whole action log) must go.
"""

from django.dispatch import Signal

login_powers_changed = Signal()
