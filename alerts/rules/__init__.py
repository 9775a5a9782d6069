"""The alert rules of rules.md, one pure function each, grouped by population.

Importing this package registers every rule in ``registry.RULES``.
"""

from . import adults, anyone, infants  # noqa: F401  (registers the rules)
from .registry import DISCLAIMER, RULES, Rule

__all__ = ["DISCLAIMER", "RULES", "Rule"]
