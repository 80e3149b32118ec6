"""The domain: plain functions over a Session; no Flask, no Socket.IO."""
