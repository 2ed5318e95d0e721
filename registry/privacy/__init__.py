"""Personal data of one person: what the registry holds (download) and erasure."""

from registry.privacy.views import bp

__all__ = ["bp"]
