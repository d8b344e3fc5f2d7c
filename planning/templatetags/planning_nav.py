"""The navigation's setup links: shown to those who may use the pages behind them."""

from django import template

from planning.selectors import editor_organisation_ids, editor_unit_ids, last_scope

register = template.Library()


@register.simple_tag(takes_context=True)
def setup_links(context) -> dict[str, bool]:
    """Which setup links the user gets: `setup` (organisation, units, people) for planners and
    administrators, `periods` for those of a whole organisation.

    Reads the scope the page's view already computed (no query), or computes it once.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"setup": False, "periods": False}
    scope = last_scope(user)
    whole = scope.is_superuser or bool(editor_organisation_ids(scope))
    return {"setup": whole or bool(editor_unit_ids(scope)), "periods": whole}
