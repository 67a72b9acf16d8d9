from django.urls import path

from themes import views

app_name = "themes"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("<int:year>/", views.year_report, name="year"),
    path("<int:year>/report.pdf", views.report_pdf, name="pdf"),
    path("<int:year>/report.xlsx", views.report_xlsx, name="xlsx"),
]
