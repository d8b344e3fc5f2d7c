"""Forms for plans and follow-up periods."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_INPUT, StyledForm, StyledModelForm, VersionedModelForm, text_area
from planning.forms.fields import UnitTreeChoiceField
from planning.models import MAX_YEAR, MIN_YEAR, DecisionStep, Organisation, Plan, Unit
from planning.selectors import mutual_relations

# --- Plans ----------------------------------------------------------------------------------------


class PlanForm(VersionedModelForm):
    """A plan's facts: the document, its decision, its direction and the three perspectives.

    The owner unit is one the user may plan for; a plan without an owner unit (a joint plan)
    only by someone who plans for the whole organisation. Partners of a joint plan are
    organisations related to the lead organisation: each has listed the other in its settings.
    """

    class Meta:
        model = Plan
        fields = [
            "kind",
            "name",
            "start_year",
            "end_year",
            "organisation",
            "owner_unit",
            "parent",
            "partner_organisations",
            "decided_by",
            "decision_date",
            "decision_paragraph",
            "registration_number",
            "valid_from",
            "responsible",
            *Plan.LONG_TEXTS,
        ]
        field_classes = {"owner_unit": UnitTreeChoiceField}
        widgets = {
            "decision_date": DATE_INPUT,
            "valid_from": DATE_INPUT,
            "partner_organisations": forms.CheckboxSelectMultiple,
            "vision": text_area(),
            "core_values": text_area(),
            "steering_documents": text_area(),
            "gender_equality": text_area(4),
            "child_rights": text_area(4),
            "sustainability": text_area(4),
        }

    FIELDSETS = (
        (_("The document"), ("kind", "name", "start_year", "end_year")),
        (
            _("Who owns it"),
            ("organisation", "owner_unit", "parent", "partner_organisations"),
        ),
        (
            _("Decision"),
            (
                "decided_by",
                "decision_date",
                "decision_paragraph",
                "registration_number",
                "valid_from",
                "responsible",
            ),
        ),
        (_("Direction"), ("vision", "core_values", "steering_documents")),
        (
            _("Perspectives the council requires"),
            ("gender_equality", "child_rights", "sustainability"),
        ),
    )

    def __init__(
        self,
        *args,
        organisations: QuerySet[Organisation],
        units: QuerySet[Unit],
        parents: QuerySet[Plan],
        organisation_wide: set[int],
        **kwargs,
    ):
        self.organisations = organisations
        self.units = units
        self.parents = parents
        self.organisation_wide = organisation_wide
        super().__init__(*args, **kwargs)

    def setup_fields(self) -> None:
        super().setup_fields()
        self.fields["organisation"].queryset = self.organisations
        self.fields["owner_unit"].offer(self.units, keep=self.instance.owner_unit_id)
        parents = self.parents.order_by("-start_year", "name")
        if self.instance.pk is not None:
            leads = {self.instance.organisation_id}
        else:
            leads = {organisation.pk for organisation in self.organisations}
        self.related = mutual_relations(leads)
        allowed = set().union(*self.related.values())
        if self.instance.pk is not None:
            # Partners the plan already has stay, even if the relation has ended since.
            allowed |= set(self.instance.partner_organisations.values_list("pk", flat=True))
        partners = Organisation.objects.filter(pk__in=allowed).order_by("name")
        if self.instance.pk is not None:
            parents = parents.exclude(pk=self.instance.pk)
            partners = partners.exclude(pk=self.instance.organisation_id)
            # The lead organisation stays; a plan does not move between organisations. It is
            # shown as text (a disabled field would be too faint to read).
            self.fields["organisation"].disabled = True
            self.fields["organisation"].widget = forms.HiddenInput()
        elif len(self.organisations) == 1:
            self.fields["organisation"].initial = self.organisations[0].pk
        self.fields["parent"].queryset = parents
        self.fields["partner_organisations"].queryset = partners

    def fieldsets(self):
        for legend, names in self.FIELDSETS:
            yield legend, [self[name] for name in names if not self[name].is_hidden]

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        if (
            organisation is not None
            and cleaned.get("owner_unit") is None
            and organisation.pk not in self.organisation_wide
        ):
            self.add_error(
                "owner_unit",
                _(
                    "Choose the unit that owns the plan. Only someone who plans for the whole "
                    "organisation can leave it empty (for a joint plan)."
                ),
            )
        partners = cleaned.get("partner_organisations")
        if organisation is not None and partners and organisation in partners:
            self.add_error(
                "partner_organisations",
                _("The lead organisation cannot also be a partner organisation."),
            )
        elif organisation is not None and partners:
            kept = set()
            if self.instance.pk is not None:
                kept = set(self.instance.partner_organisations.values_list("pk", flat=True))
            related = self.related.get(organisation.pk, set()) | kept
            unrelated = [partner.name for partner in partners if partner.pk not in related]
            if unrelated:
                self.add_error(
                    "partner_organisations",
                    _(
                        "%(names)s and %(organisation)s have not both listed each other as "
                        "related organisations; a joint plan needs that first (under the "
                        "organisation's settings)."
                    )
                    % {"names": ", ".join(unrelated), "organisation": organisation},
                )
        return cleaned


class PlanStatusForm(StyledForm):
    """A step in the plan's life cycle, based on the version the user saw."""

    status = forms.ChoiceField(choices=Plan.Status.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    decision_date = forms.DateField(label=_("decision date"), required=False, widget=DATE_INPUT)


class DecisionStepForm(StyledModelForm):
    """The next step of a plan's decision process. The model says which fields each kind of
    step takes; the form shows them grouped (a meeting's, a consultation's), and offers the
    organisation only for a joint plan."""

    class Meta:
        model = DecisionStep
        fields = [
            "kind",
            "organisation",
            "body",
            "held_on",
            "paragraph",
            "registration_number",
            "outcome",
            "ends_on",
            "consultees",
            "responses",
            "summary",
        ]
        widgets = {
            "held_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "consultees": text_area(4),
            "summary": text_area(4),
        }

    FIELDSETS = (
        (_("The step"), ("kind", "organisation", "body", "held_on")),
        (
            _("A meeting: preparation or decision"),
            ("paragraph", "registration_number", "outcome"),
        ),
        (_("A consultation"), ("ends_on", "consultees", "responses", "summary")),
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, instance=DecisionStep(plan=plan), **kwargs)
        owners = [plan.organisation_id, *plan.partner_organisations.values_list("pk", flat=True)]
        if len(owners) > 1:
            self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=owners)
        else:
            del self.fields["organisation"]

    @property
    def fieldsets(self):
        for legend, names in self.FIELDSETS:
            yield legend, [self[name] for name in names if name in self.fields]


# --- Follow-up periods ----------------------------------------------------------------------------


class PeriodYearForm(StyledForm):
    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR)


class PeriodDeadlineForm(StyledForm):
    deadline = forms.DateField(label=_("Reporting deadline"), required=False, widget=DATE_INPUT)


class PeriodOpenForm(StyledForm):
    is_open = forms.TypedChoiceField(
        choices=[("1", _("Open")), ("0", _("Closed"))],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )
