from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core.forms import LoginForm
from reports.views.home import home

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="planning/login.html", authentication_form=LoginForm
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("plans/", include("planning.urls")),
    path("plans/", include("authoring.urls")),
    path("goals/", include("goals.urls")),
    path("indicators/", include("indicators.urls")),
    path("reports/", include("reports.urls")),
    path("transfer/", include("transfer.urls")),
    path("opendata/", include("opendata.urls")),
    path("", home, name="home"),
]
