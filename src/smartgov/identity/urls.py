"""Sign-in, registration, the person's account and the OpenID Connect provider's addresses."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path, re_path
from oauth2_provider import urls as oauth2_urls

from smartgov.identity.views import oidc, password, privacy, profile, security, signin, space

app_name = "identity"

urlpatterns: list[URLPattern] = [
    path("tai-khoan/", space.home, name="home"),
    path("tai-khoan/thong-tin/", profile.profile, name="profile"),
    path("tai-khoan/xac-minh-email/", profile.email_verification_start, name="email-verify-start"),
    path("tai-khoan/xac-minh-email/<str:token>/", profile.email_verification_finish, name="email-verify"),
    path("tai-khoan/xac-minh-dien-thoai/", profile.phone_verification, name="phone-verify"),
    path("tai-khoan/bao-mat/", security.security, name="security"),
    path("tai-khoan/bao-mat/mat-khau/", security.PasswordChange.as_view(), name="password-change"),
    path("tai-khoan/bao-mat/ma-du-phong/", security.recovery_codes, name="recovery-codes"),
    path("tai-khoan/bao-mat/tat-xac-thuc-hai-buoc/", security.second_factor_off, name="mfa-disable"),
    path("tai-khoan/dong-y/", privacy.consents, name="consents"),
    path("tai-khoan/du-lieu-cua-toi/", privacy.my_data, name="my-data"),
    path("tai-khoan/du-lieu-cua-toi/tai-ve/", privacy.my_data_download, name="my-data-download"),
    path("tai-khoan/du-lieu-cua-toi/yeu-cau/<int:pk>/huy/", privacy.data_request_withdraw, name="data-request-cancel"),
    path("quan-ly/yeu-cau-du-lieu/", privacy.data_requests_queue, name="data-requests"),
    path("quan-ly/yeu-cau-du-lieu/<int:pk>/", privacy.data_request_detail, name="data-request"),
    path("quen-mat-khau/", password.password_forgotten, name="password-forgotten"),
    path("quen-mat-khau/da-gui/", password.password_reset_sent, name="password-reset-sent"),
    path("quen-mat-khau/<uidb64>/<token>/", password.PasswordResetConfirm.as_view(), name="password-reset-confirm"),
    path("dang-nhap/lien-ket/<slug:provider>/", signin.upstream_start, name="upstream-start"),
    path("dang-nhap/lien-ket/<slug:provider>/ve/", signin.upstream_callback, name="upstream-callback"),
    path("tai-khoan/phien-dang-nhap/", security.sessions, name="sessions"),
    path("xac-thuc/", signin.mfa_verify, name="mfa-verify"),
    path("xac-thuc/thiet-lap/", signin.mfa_setup, name="mfa-setup"),
    path("dang-ky/", signin.register, name="register"),
    path("dang-nhap/", signin.SignInView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
]

# The OpenID Connect provider under /o/ (issuer http(s)://<host>/o): authorize, token, revocation, introspection,
# userinfo, JWKS, discovery, RP-initiated logout. Clients are registered by admins, so the self-service management
# views are not mounted, nor the device flow, which no SmartGov client uses. The authorization endpoint and the
# discovery document are SmartGov's own (identity.views.oidc), under DOT's names.
_OAUTH_ENDPOINTS = {"token", "revoke-token", "introspect"}
_OWN = {"oidc-connect-discovery-info"}
_oidc_patterns = (
    [
        path("authorize/", oidc.AuthorizationView.as_view(), name="authorize"),
        re_path(
            r"^\.well-known/openid-configuration/?$",
            oidc.ConnectDiscoveryInfoView.as_view(),
            name="oidc-connect-discovery-info",
        ),
        *[p for p in oauth2_urls.base_urlpatterns if p.name in _OAUTH_ENDPOINTS],
        *[p for p in oauth2_urls.oidc_urlpatterns if p.name not in _OWN],
    ],
    "oauth2_provider",
)
#: Mounted at the site's root outside the app's namespace: the provider keeps django-oauth-toolkit's names.
site_urlpatterns: list[URLPattern | URLResolver] = [path("o/", include(_oidc_patterns))]
