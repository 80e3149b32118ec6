"""gunicorn settings for Atelier: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

One gevent worker per process: Socket.IO keeps each client's session in the process that
accepted it, so more processes means more instances (each on its own port, sharing
PostgreSQL and Redis), never `workers > 1` (see deploy/README.md).
"""

import os

bind = os.environ.get("ATELIER_BIND", "127.0.0.1:5000")
worker_class = "gevent"  # websockets through python-engineio + simple-websocket
workers = 1
# gunicorn's default (1000) would refuse the 1001st phone: each phone holds a connection.
worker_connections = int(os.environ.get("ATELIER_WORKER_CONNECTIONS", "10000"))
# The worker's heartbeat runs in the event loop: a loop blocked this long is restarted.
timeout = 60
graceful_timeout = 10
keepalive = 75
accesslog = None  # nginx keeps the access log; thousands of polls would drown this one
errorlog = "-"
control_socket_disable = True
