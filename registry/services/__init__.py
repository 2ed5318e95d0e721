"""Plain functions over a session; they flush, the request or command commits."""
