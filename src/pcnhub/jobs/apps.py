from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "pcnhub.jobs"
    label = "jobs"
    verbose_name = "Jobs"
