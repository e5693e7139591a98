"""Metrics: the five criteria (安心・信頼・親切・迅速・確実) and the activity figures, computed
from what the system records, for any period and department (definitions: docs/metrics.md)."""
