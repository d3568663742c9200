from django.urls import path

from ombuds.people import passkey_views, reauth_views, sign_in_views, views

app_name = "people"
urlpatterns = [
    path("sign-in/", sign_in_views.sign_in, name="sign_in"),
    path("sign-in/code/", sign_in_views.sign_in_code, name="sign_in_code"),
    path("sign-in/set-up/", sign_in_views.set_up, name="set_up"),
    path("sign-in/recovery-codes/", sign_in_views.recovery_codes, name="recovery_codes"),
    path("account/sign-in-attempts/", sign_in_views.attempts, name="attempts"),
    path("sign-out/", views.sign_out_view, name="sign_out"),
    path("home/", views.home, name="home"),
    path("account/password/", views.password_change_view, name="password_change"),
    path("account/password/changed/", views.password_changed, name="password_changed"),
    path("account/interests/", views.interests, name="interests"),
    path("account/passkeys/", passkey_views.passkeys, name="passkeys"),
    path(
        "account/passkeys/<int:passkey>/remove/",
        passkey_views.passkey_remove_view,
        name="passkey_remove",
    ),
    path("account/confirm/", reauth_views.confirm_password, name="confirm_password"),
    path("admin-area/", views.admin_home, name="admin_home"),
    path("admin-area/organisations/new/", views.organisation_new, name="organisation_new"),
    path("admin-area/staff/", views.staff_list, name="staff_list"),
    path("admin-area/staff/new/", views.staff_new, name="staff_new"),
]
