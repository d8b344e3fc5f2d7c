"""What every resource of a plan shares: `Lookups` (objects found by natural keys, loaded once
per import) and `PlanResource` (matching rows, detecting changes, saving, in batches where the
sheet allows); see `lookups` and `resource`."""

from transfer.resources.base.lookups import Lookups
from transfer.resources.base.resource import PlanResource, RowNote

__all__ = ["Lookups", "PlanResource", "RowNote"]
