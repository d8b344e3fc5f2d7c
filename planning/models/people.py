"""What happens to a person's account: invited, deactivated, reactivated; by whom and when.

A user's roles are memberships (see `planning.models.organisations`); this is the record of the
account itself, which Django's user model keeps no history of.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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


class EmployeeNumber(models.Model):
    """A person's employee id in their employer's systems (anställningsnummer): what single
    sign-on matches them by when the organisation's login service says who someone is by
    employee id rather than by e-mail (`OIDC_MATCH_ON=employee_id`, see `planning.sso`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="employee_number",
        verbose_name=_("person"),
    )
    number = models.CharField(
        _("employee id"),
        max_length=100,
        unique=True,
        help_text=_("As the organisation's login service knows the person, e.g. 104233."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("employee id")
        verbose_name_plural = _("employee ids")

    def __str__(self) -> str:
        return f"{self.user} – {self.number}"

    def clean(self) -> None:
        self.number = (self.number or "").strip()


class PersonSettings(models.Model):
    """What a person chooses for themselves: the language of the e-mails Styrkort sends them
    (empty: their organisation's) and whether they receive reporting reminders."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="styrkort_settings",
        verbose_name=_("person"),
    )
    language = models.CharField(
        _("language of e-mails"),
        max_length=5,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: the organisation's language."),
    )
    reminders = models.BooleanField(
        _("reminders by e-mail"),
        default=True,
        help_text=_(
            "Before a reporting deadline and when it has passed, if your part is not reported; "
            "and, for planners, when every part of a plan is ready."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("personal settings")
        verbose_name_plural = _("personal settings")

    def __str__(self) -> str:
        return str(self.user)
