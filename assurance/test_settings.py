"""Settings for the test suite: the real settings, with fast hashing and plain static files."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# Tests run the production configuration, whatever the shell has set.
os.environ["DEBUG"] = "false"

from assurance.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The test client and the live server speak plain HTTP; the production redirect is tested
# through `manage.py check --deploy` and the response headers instead.
SECURE_SSL_REDIRECT = False
# Uploaded papers go to a scratch folder, never into the checkout.
MEDIA_ROOT = os.path.join(tempfile.gettempdir(), "assurance-test-media")
# A test's transaction is never committed, so a thread's own connection would not see its
# rows: the immediate backend runs tasks in the request here. The tests that documents are
# not made in the request use the dummy or the database backend (core.background).
IMMEDIATE_TASKS_IN_THREAD = False
