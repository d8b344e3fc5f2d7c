"""What happens to a person's account: invited, deactivated, reactivated; by whom and when.

A user's roles are memberships (see `planning.models.organisations`); this is the record of the
account itself, which Django's user model keeps no history of.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from planning.models.organisations import Organisation


class AccountEvent(models.Model):
    """One change to a person's account, made from one organisation's pages."""

    class Kind(models.TextChoices):
        INVITED = "invited", _("Invited")
        DEACTIVATED = "deactivated", _("Deactivated")
        REACTIVATED = "reactivated", _("Reactivated")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account_events",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="account_events",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("event"), max_length=20, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("account event")
        verbose_name_plural = _("account events")

    def __str__(self) -> str:
        return f"{self.user} – {self.get_kind_display()} – {self.at:%Y-%m-%d}"
