"""The WSGI application, as `ombuds serve` runs it (any WSGI server may import it).

Importing it sets umask 077 (files readable by their owner only) and stops at once, with
one plain line, when an instance key is missing or malformed.
"""

import os

from django.core.wsgi import get_wsgi_application

os.umask(0o077)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ombuds.settings")
application = get_wsgi_application()

from ombuds.keys import keys_check  # noqa: E402 - needs the settings configured above

keys_check()
