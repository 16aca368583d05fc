
app_name = "calendar"

urlpatterns: list = []
