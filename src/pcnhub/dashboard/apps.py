from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "pcnhub.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"
