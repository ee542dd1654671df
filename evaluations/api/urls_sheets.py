"""/api/v1/rule-versions/ and /api/v1/score-sheets/ (mounted by ocop_portal/urls.py under "api/v1/")."""

from rest_framework.routers import SimpleRouter

from .sheets import RuleVersionViewSet, ScoreSheetViewSet

router = SimpleRouter()
router.register("rule-versions", RuleVersionViewSet, basename="rule-version")
router.register("score-sheets", ScoreSheetViewSet, basename="score-sheet")

urlpatterns = router.urls
