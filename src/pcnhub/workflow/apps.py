from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "pcnhub.workflow"
    label = "workflow"
    verbose_name = "Applications: forming and changing networks"
