from django.urls import path

from cases.views import assessment, case, household, plan, visit, worklist

app_name = "cases"

urlpatterns = [
    path("", worklist.worklist, name="worklist"),
    path("household/new/", household.household_create, name="household_create"),
    path("household/<int:pk>/", household.household_detail, name="household"),
    path("household/<int:pk>/open/", household.case_open, name="case_open"),
    path("household/<int:pk>/goals/", household.counsellor_goals,
         name="counsellor_goals"),
    path("<int:pk>/", case.case_detail, name="case"),
    path("<int:pk>/close/", case.case_close, name="case_close"),
    path("<int:pk>/reopen/", case.case_reopen, name="case_reopen"),
    path("<int:pk>/reassign/", case.case_reassign, name="case_reassign"),
    path("<int:pk>/status/", case.case_transition, name="case_transition"),
    path("<int:pk>/assessments/new/", assessment.assessment_new, name="assessment_new"),
    path("<int:pk>/assessments/<int:assessment_pk>/", assessment.assessment_detail,
         name="assessment"),
    path("<int:pk>/assessments/<int:assessment_pk>/approve/",
         assessment.assessment_approve, name="assessment_approve"),
    path("<int:pk>/assessments/<int:assessment_pk>/override/",
         assessment.assessment_override, name="assessment_override"),
    path("<int:pk>/plans/new/", plan.plan_new, name="plan_new"),
    path("<int:pk>/plans/<int:plan_pk>/", plan.plan_detail, name="plan"),
    path("<int:pk>/plans/<int:plan_pk>/edit/", plan.plan_edit, name="plan_edit"),
    path("<int:pk>/plans/<int:plan_pk>/submit/", plan.plan_submit, name="plan_submit"),
    path("<int:pk>/plans/<int:plan_pk>/approve/", plan.plan_approve,
         name="plan_approve"),
    path("<int:pk>/plans/<int:plan_pk>/goals/new/", plan.goal_add, name="goal_add"),
    path("<int:pk>/plans/<int:plan_pk>/goals/<int:goal_pk>/", plan.goal_edit,
         name="goal_edit"),
    path("<int:pk>/plans/<int:plan_pk>/services/new/", plan.service_add,
         name="service_add"),
    path("<int:pk>/plans/<int:plan_pk>/services/<int:service_pk>/",
         plan.service_progress, name="service_progress"),
    path("<int:pk>/visits/new/", visit.visit_new, name="visit_new"),
    path("<int:pk>/visits/<int:visit_pk>/", visit.visit_detail, name="visit"),
]
