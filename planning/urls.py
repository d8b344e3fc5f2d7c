from django.urls import path  # noqa: F401  (views add their paths here)

app_name = "planning"

urlpatterns: list = []
