"""API of the accounts app: the municipalities the caller may see."""

from django.urls import path
from rest_framework import generics, serializers

from .models import Municipality
from .permissions import Action, actions_of, municipalities_for


class MunicipalitySerializer(serializers.ModelSerializer):
    actions = serializers.SerializerMethodField(help_text="What the caller may do here.")

    class Meta:
        model = Municipality
        fields = ["slug", "name", "kind", "official_key", "actions"]

    def get_actions(self, municipality) -> list[str]:
        user = self.context["request"].user
        return sorted(action.value for action in actions_of(user, municipality))


class MunicipalityList(generics.ListAPIView):
    """Municipalities the caller may see: their own, and every one with a public atlas."""

    serializer_class = MunicipalitySerializer

    def get_queryset(self):
        return municipalities_for(self.request.user, Action.VIEW_PUBLIC)


urlpatterns = [
    path("municipalities/", MunicipalityList.as_view(), name="api-municipalities"),
]
