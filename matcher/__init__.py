"""mentor-matcher: mentoring pairs and groups for schools, proven optimal and explained."""
from __future__ import annotations

__version__ = "0.1.0"
