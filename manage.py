#!/usr/bin/env python
"""Django's manage.py; the product's own CLI is `ombuds` (ombuds/cli.py)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ombuds.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
