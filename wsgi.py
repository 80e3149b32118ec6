"""The WSGI application for a production server: `gunicorn -k gevent -w 1 wsgi:app`.

gunicorn's gevent worker patches the standard library before it imports this module.
See deploy/README.md.
"""

import os

from workshop import create_app
from workshop.gctuning import parse_thresholds, tune_for_server

app = create_app()
tune_for_server(parse_thresholds(os.environ.get("ATELIER_GC_THRESHOLDS")))
