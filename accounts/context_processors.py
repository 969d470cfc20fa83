"""Template context: the current municipality and the user's other municipalities."""

from .permissions import Action, actions_of, member_municipality_list


def municipality(request):
    user = getattr(request, "user", None)
    current = getattr(request, "municipality", None)
    if user is None or not user.is_authenticated:
        return {"current_municipality": None, "member_municipalities": []}
    current = current if current else None
    allowed = actions_of(user, current) if current is not None else frozenset()
    return {
        "current_municipality": current,
        "member_municipalities": member_municipality_list(user),
        "current_actions": {action.value for action in allowed},
        "Action": Action,
    }
