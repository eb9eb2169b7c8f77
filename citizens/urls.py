from django.urls import path

from . import views, views_eforms, views_feedback, views_rating
from .payments import views as payment_views

app_name = "citizens"

urlpatterns = [
    # My dossiers (the header links to citizens:my_dossiers at /my/).
    path("my/", views.my_dossiers, name="my_dossiers"),
    path("my/wallet/", views.wallet, name="wallet"),
    path("my/wallet/<int:pk>/", views.wallet_download, name="wallet_file"),
    path("my/drafts/<int:pk>/submit/", views.draft_submit, name="draft_submit"),
    path("my/drafts/<int:pk>/discard/", views.draft_discard, name="draft_discard"),
    path("my/drafts/<int:pk>/files/<int:file_id>/", views.draft_file, name="draft_file"),
    path("my/drafts/<int:pk>/declarations/<int:requirement_pk>.pdf", views_eforms.draft_declaration_pdf,
         name="draft_declaration_pdf"),
    path("my/drafts/<int:pk>/<slug:step>/", views.draft_step, name="draft_step"),
    path("my/dossiers/<str:code>/", views.dossier_detail, name="dossier"),
    path("my/dossiers/<str:code>/files/<int:file_id>/", views.dossier_file, name="dossier_file"),
    path("my/dossiers/<str:code>/supplement/", views.supplement, name="supplement"),
    path("my/dossiers/<str:code>/withdraw/", views.withdraw, name="withdraw"),
    path("my/dossiers/<str:code>/rate/", views.rate, name="rate"),
    path("rate/<str:token>/", views_rating.by_link, name="rate_by_link"),
    path("counter/rating/<str:code>/", views_rating.kiosk, name="rating_kiosk"),
    path("counter/return-slip/<str:code>/", views_rating.return_slip, name="return_slip"),
    path("my/dossiers/<str:code>/pay/", payment_views.pay, name="pay"),
    path("my/dossiers/<str:code>/payments/<str:reference>/receipt.pdf", payment_views.receipt,
         name="payment_receipt"),
    # Accounts.
    path("account/signup/", views.signup, name="signup"),
    path("account/profile/", views.profile, name="profile"),
    path("account/verify-email/<str:token>/", views.verify_email, name="verify_email"),
    path("account/verify-email-resend/", views.verification_resend, name="verification_resend"),
    path("account/verify-phone/", views.verify_phone, name="verify_phone"),
    path("account/activate/<str:uidb64>/<str:token>/", views.activate, name="activate"),
    path("account/identity/<slug:provider>/", views.identity_start, name="identity_start"),
    path("account/identity/<slug:provider>/callback/", views.identity_callback, name="identity_callback"),
    # Online submission.
    path("procedures/<str:national_code>/submit/", views.submit_start, name="submit"),
    path("procedures/<str:national_code>/guide/", views_feedback.guide, name="guide"),
    # Payments.
    path("payments/sandbox/<str:reference>/", payment_views.sandbox_pay, name="sandbox_pay"),
    path("payments/callback/<slug:provider>/", payment_views.callback, name="payment_callback"),
    # Feedback.
    path("feedback/", views_feedback.feedback_new, name="feedback_new"),
    path("feedback/lookup/", views_feedback.feedback_lookup, name="feedback_lookup"),
    path("feedback/<str:code>/", views_feedback.feedback_detail, name="feedback_detail"),
    path("supervision/feedback/", views_feedback.feedback_manage, name="feedback_manage"),
    path("supervision/feedback/<str:code>/", views_feedback.feedback_answer, name="feedback_answer"),
    # Counter side.
    path("counter/citizens/new/", views.assisted_account, name="assisted_account"),
    path("counter/payments/<str:code>/", payment_views.counter_payment, name="counter_payment"),
    path("counter/payments/<str:code>/<str:reference>/receipt.pdf", payment_views.counter_receipt,
         name="counter_receipt"),
]
