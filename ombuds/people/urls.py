from django.urls import path

from ombuds.people import reauth, views

app_name = "people"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out_view, name="sign_out"),
    path("home/", views.home, name="home"),
    path("account/password/", views.password_change_view, name="password_change"),
    path("account/password/changed/", views.password_changed, name="password_changed"),
    path("account/interests/", views.interests, name="interests"),
    path("admin-area/confirm-password/", reauth.confirm_password, name="confirm_password"),
    path("admin-area/", views.admin_home, name="admin_home"),
    path("admin-area/organisations/new/", views.organisation_new, name="organisation_new"),
    path("admin-area/staff/", views.staff_list, name="staff_list"),
    path("admin-area/staff/new/", views.staff_new, name="staff_new"),
]
