"""Staff pages, under ``staff/ideas/`` (namespace ``ideas``: ``reverse("ideas:mine")``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.mine, name="mine"),
    path("board/", views.board, name="board"),
    path("new/", views.idea_edit, name="new"),
    path("similar/", views.similar, name="similar"),
    path("<int:pk>/", views.idea_detail, name="detail"),
    path("<int:pk>/edit/", views.idea_edit, name="edit"),
    path("<int:pk>/support/", views.support, name="support"),
    path("<int:pk>/comment/", views.comment, name="comment"),
    path("<int:pk>/move/", views.idea_move, name="move"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/replace-reviewer/", views.replace_reviewer, name="replace_reviewer"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("<int:pk>/milestones/<int:milestone>/", views.milestone_mark, name="milestone_mark"),
    path("<int:pk>/measure/", views.measure, name="measure"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("files/<int:pk>/", views.idea_file, name="file"),
    path("queue/", views.queue, name="queue"),
    path("queue/export/", views.export, name="export"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/new/", views.round_edit, name="round_new"),
    path("rounds/<int:pk>/", views.round_edit, name="round_edit"),
    path("participation/", views.participation, name="participation"),
]
