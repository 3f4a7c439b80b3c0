from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "pcnhub.web"
    label = "web"

    def ready(self) -> None:
        # Every page's header (the UI kit's frame cannot know the user's roles
        # and permissions: pcnhub.ui sits below pcnhub.access).
        from pcnhub.ui import frame
        from pcnhub.web.presenters import header

        frame.use_header(header)
