"""App-less singletons, bound to an app in create_app()."""

from flask_babel import Babel
from flask_compress import Compress
from flask_socketio import SocketIO

socketio = SocketIO()
babel = Babel()
#: gzip/brotli for pages, styles, scripts and JSON: a phone's first load on a slow link
compress = Compress()
