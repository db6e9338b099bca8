from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    CLOSED = "closed", _("Closed")


#: The statuses in which a project is public (approved, or approved and since closed).
PUBLISHED = (ProjectStatus.APPROVED, ProjectStatus.CLOSED)


class SupervisorRole(models.TextChoices):
    ACADEMIC = "academic", _("Academic supervisor")
    INDUSTRY = "industry", _("Industry supervisor")
