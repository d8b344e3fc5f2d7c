from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core.forms import LoginForm
from core.health import health
from core.oidc import LoginView, SSOCallbackView, SSOLoginView
from planning.forms import StyledPasswordResetForm, StyledSetPasswordForm
from planning.views.accounts import invitation_accept
from planning.views.files import media_file
from reports.views.home import home

# Password reset by e-mail for local accounts: Django's views, our pages and forms.
password_urls = [
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=StyledPasswordResetForm,
            template_name="registration/password_reset_form.html",
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=StyledSetPasswordForm,
            template_name="registration/password_reset_confirm.html",
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    # An invitation's one-time link to choose a password (planning.services.person_invite).
    path("invitation/<uidb64>/<token>/", invitation_accept, name="invitation_accept"),
]

urlpatterns = [
    path(
        "login/",
        LoginView.as_view(template_name="planning/login.html", authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Single sign-on with the organisation's account (OpenID Connect; 404 unless configured).
    path("sso/login/", SSOLoginView.as_view(), name="sso_login"),
    path("sso/callback/", SSOCallbackView.as_view(), name="sso_callback"),
    *password_urls,
    # Uploaded files, each only for those who may see it (never served directly).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media_file, name="media"),
    path("health/", health, name="health"),
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
