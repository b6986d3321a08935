"""Feedback photos: the platform's one image sanitiser (``core.images``)."""

from qualityservice.core.images import CleanImage, max_bytes, sanitize_image

__all__ = ["CleanImage", "max_bytes", "sanitize_image"]
