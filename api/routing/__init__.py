"""Department routing (pure Python over the FAQ index and the department directory)."""

from .router import DepartmentProfile, DepartmentRouter, RoutingDecision

__all__ = ["DepartmentProfile", "DepartmentRouter", "RoutingDecision"]
