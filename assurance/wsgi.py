import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assurance.settings")
application = get_wsgi_application()
# Every view, form and template tag library imported now, before the worker takes a request,
# rather than by the first request (0.5 s of it here): a host restarted under load otherwise
# answers its first requests late, while its /healthz already says it is up.
get_resolver().url_patterns  # noqa: B018
# Everything made so far lives as long as the process. Frozen, it is left out of the cyclic
# garbage collector's full collections, which otherwise walk all of it again every few
# hundred requests: a page kept for the record's version took 16.5 ms, 13.9 ms with it.
gc.freeze()
