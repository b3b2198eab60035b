"""Sign-in, registration, the person's account and the OpenID Connect provider's addresses."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from oauth2_provider import urls as oauth2_urls

from smartgov.identity import account_views as account
from smartgov.identity import views

app_name = "identity"

urlpatterns: list[URLPattern] = [
    path("tai-khoan/", account.profile, name="profile"),
    path("tai-khoan/xac-minh-email/", account.email_verification_start, name="email-verify-start"),
    path("tai-khoan/xac-minh-email/<str:token>/", account.email_verification_finish, name="email-verify"),
    path("tai-khoan/xac-minh-dien-thoai/", account.phone_verification, name="phone-verify"),
    path("tai-khoan/bao-mat/", account.security, name="security"),
    path("tai-khoan/bao-mat/mat-khau/", account.PasswordChange.as_view(), name="password-change"),
    path("tai-khoan/bao-mat/ma-du-phong/", account.recovery_codes, name="recovery-codes"),
    path("tai-khoan/bao-mat/tat-xac-thuc-hai-buoc/", account.second_factor_off, name="mfa-disable"),
    path("tai-khoan/dong-y/", account.consents, name="consents"),
    path("tai-khoan/du-lieu-cua-toi/", account.my_data, name="my-data"),
    path("tai-khoan/du-lieu-cua-toi/tai-ve/", account.my_data_download, name="my-data-download"),
    path("tai-khoan/du-lieu-cua-toi/yeu-cau/<int:pk>/huy/", account.data_request_withdraw, name="data-request-cancel"),
    path("quan-ly/yeu-cau-du-lieu/", account.data_requests_queue, name="data-requests"),
    path("quan-ly/yeu-cau-du-lieu/<int:pk>/", account.data_request_detail, name="data-request"),
    path("quen-mat-khau/", account.password_forgotten, name="password-forgotten"),
    path("quen-mat-khau/da-gui/", account.password_reset_sent, name="password-reset-sent"),
    path("quen-mat-khau/<uidb64>/<token>/", account.PasswordResetConfirm.as_view(), name="password-reset-confirm"),
    path("dang-nhap/lien-ket/<slug:provider>/", views.upstream_start, name="upstream-start"),
    path("dang-nhap/lien-ket/<slug:provider>/ve/", views.upstream_callback, name="upstream-callback"),
    path("tai-khoan/phien-dang-nhap/", views.sessions, name="sessions"),
    path("xac-thuc/", views.mfa_verify, name="mfa-verify"),
    path("xac-thuc/thiet-lap/", views.mfa_setup, name="mfa-setup"),
    path("dang-ky/", views.register, name="register"),
    path("dang-nhap/", views.SignInView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
]

# The OpenID Connect provider under /o/ (issuer http(s)://<host>/o): authorize, token, revocation, introspection,
# userinfo, JWKS, discovery, RP-initiated logout. Clients are registered by admins, so the self-service management
# views are not mounted, nor the device flow, which no SmartGov client uses.
_OAUTH_ENDPOINTS = {"authorize", "token", "revoke-token", "introspect"}
_oidc_patterns = (
    [p for p in oauth2_urls.base_urlpatterns if p.name in _OAUTH_ENDPOINTS] + oauth2_urls.oidc_urlpatterns,
    "oauth2_provider",
)
#: Mounted at the site's root outside the app's namespace: the provider keeps django-oauth-toolkit's names.
site_urlpatterns: list[URLPattern | URLResolver] = [path("o/", include(_oidc_patterns))]
