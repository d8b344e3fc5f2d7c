"""The pages where a plan is written and its past is kept (`pages`), and the small requests of
the plan page that write it in place (`in_place`)."""

from authoring.views.arranging import item_delete_view, item_place_view, undo_view
from authoring.views.in_place import (
    goal_add_view,
    item_add_view,
    item_in_place_view,
    plan_fragment_view,
    thresholds_preview_view,
)
from authoring.views.pages import (
    history_restore_view,
    object_history_view,
    plan_decided_view,
    plan_history_view,
    plan_roll_over_view,
    plan_structure_view,
)

__all__ = [
    "goal_add_view",
    "history_restore_view",
    "item_add_view",
    "item_delete_view",
    "item_in_place_view",
    "item_place_view",
    "object_history_view",
    "plan_decided_view",
    "plan_fragment_view",
    "plan_history_view",
    "plan_roll_over_view",
    "plan_structure_view",
    "thresholds_preview_view",
    "undo_view",
]
