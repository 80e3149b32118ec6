"""The WSGI application for a production server: `gunicorn -k gevent -w 1 wsgi:app`.

gunicorn's gevent worker patches the standard library before it imports this module.
See deploy/README.md.
"""

from workshop import create_app

app = create_app()
