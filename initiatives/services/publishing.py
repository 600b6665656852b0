"""The editorial workflow: the one way an entry moves between states."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from initiatives.models import Briefing, EditorialState, Initiative, StateChange
from initiatives.services.search_words import add_search_words
from practice_library.history import recorded_as

# The editorial workflow: every allowed move, and whether it needs the right
# to publish ("initiatives.publish_initiative" or "publish_briefing"). The
# others need only the right to change the entry. Any move not listed is
# refused: a draft was never public, so it cannot be withdrawn, and a public
# entry goes back to draft (or is withdrawn) before it is reviewed again.
TRANSITIONS: dict[tuple[str, str], bool] = {
    (EditorialState.DRAFT, EditorialState.IN_REVIEW): False,
    (EditorialState.IN_REVIEW, EditorialState.DRAFT): False,
    (EditorialState.DRAFT, EditorialState.PUBLISHED): True,
    (EditorialState.IN_REVIEW, EditorialState.PUBLISHED): True,
    (EditorialState.PUBLISHED, EditorialState.WITHDRAWN): True,
    (EditorialState.PUBLISHED, EditorialState.DRAFT): True,
    (EditorialState.WITHDRAWN, EditorialState.PUBLISHED): True,
    (EditorialState.WITHDRAWN, EditorialState.DRAFT): True,
}

Entry = Initiative | Briefing


def publish_permission(entry: Entry | type[Entry]) -> str:
    """The permission that lets a user publish, withdraw and restore entries."""
    return f"initiatives.publish_{entry._meta.model_name}"


def change_permission(entry: Entry | type[Entry]) -> str:
    return f"initiatives.change_{entry._meta.model_name}"


def may_publish(user, entry: Entry | type[Entry]) -> bool:
    return user.has_perm(publish_permission(entry))


def allowed_transitions(entry: Entry, user) -> list[str]:
    """The states this user may move the entry to, in workflow order."""
    needed = {
        to: publish_permission(entry) if needs_publish else change_permission(entry)
        for (start, to), needs_publish in TRANSITIONS.items()
        if start == entry.state
    }
    return [
        state
        for state in EditorialState.values
        if state in needed and user.has_perm(needed[state])
    ]


def publishing_problems(entry: Entry) -> list[str]:
    """What stops an entry from being published; empty when nothing does."""
    problems = []
    if not entry.summary.strip():
        problems.append("Write a summary before publishing.")
    if isinstance(entry, Initiative) and (
        entry.pk is None or not entry.police_areas.exists()
    ):
        problems.append("Choose at least one police area before publishing.")
    return problems


def _label(state: str) -> str:
    return EditorialState(state).label.lower()


@transaction.atomic
def transition(entry: Entry, to_state: str, *, actor, reason: str = "") -> StateChange:
    """Move an entry to another editorial state, the one way states change.

    ``actor`` is the user asking; ``None`` means a management command acting
    for the site itself. Refuses, with a message a curator can act on, a move
    the workflow does not allow (ValidationError), one the actor has no right
    to make (PermissionDenied), and publishing an incomplete entry.
    """
    model = type(entry)
    # Lock the row and start from its stored state, not a stale copy.
    from_state = (
        model.objects.select_for_update()
        .values_list("state", flat=True)
        .get(pk=entry.pk)
    )
    entry.state = from_state
    if from_state == to_state:
        raise ValidationError(f"“{entry}” is already {_label(to_state)}.")
    if (from_state, to_state) not in TRANSITIONS:
        raise ValidationError(
            f"“{entry}” cannot go from {_label(from_state)} to {_label(to_state)}."
        )
    needs_publish = TRANSITIONS[(from_state, to_state)]
    needed = publish_permission(entry) if needs_publish else change_permission(entry)
    if actor is not None and not actor.has_perm(needed):
        raise PermissionDenied(
            f"Only publishers may move “{entry}” from {_label(from_state)} "
            f"to {_label(to_state)}."
            if needs_publish
            else f"You may not change “{entry}”."
        )
    if to_state == EditorialState.PUBLISHED:
        problems = publishing_problems(entry)
        if problems:
            raise ValidationError(problems)

    now = timezone.now()
    entry.state = to_state
    fields = ["state", "updated_at"]
    if to_state == EditorialState.PUBLISHED and entry.published_at is None:
        entry.published_at = now
        fields.append("published_at")
    if from_state == EditorialState.PUBLISHED:
        # Mirrors learn of every departure from public view through this date.
        entry.withdrawn_at = now
        fields.append("withdrawn_at")
    reason_recorded = (
        f"{EditorialState(from_state).label} to {EditorialState(to_state).label}"
        + (f": {reason}" if reason else "")
    )
    with recorded_as(user=actor, reason=reason_recorded):
        entry.save(update_fields=fields)
    if to_state == EditorialState.PUBLISHED and isinstance(entry, Initiative):
        add_search_words(entry)
    return StateChange.objects.create(
        initiative=entry if isinstance(entry, Initiative) else None,
        briefing=entry if isinstance(entry, Briefing) else None,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        reason=reason.strip(),
        changed_at=now,
    )


def submit_for_review(entry: Entry, *, actor=None, reason: str = "") -> StateChange:
    return transition(entry, EditorialState.IN_REVIEW, actor=actor, reason=reason)


def return_to_draft(entry: Entry, *, actor=None, reason: str = "") -> StateChange:
    return transition(entry, EditorialState.DRAFT, actor=actor, reason=reason)


def publish_initiative(
    initiative: Initiative, *, actor=None, reason: str = ""
) -> StateChange:
    """Make an initiative public, stamping its first publication date."""
    return transition(initiative, EditorialState.PUBLISHED, actor=actor, reason=reason)


def withdraw_initiative(
    initiative: Initiative, *, actor=None, reason: str = ""
) -> StateChange:
    """Take an initiative out of public view; mirrors learn of it as a tombstone."""
    return transition(initiative, EditorialState.WITHDRAWN, actor=actor, reason=reason)


def publish_briefing(
    briefing: Briefing, *, actor=None, reason: str = ""
) -> StateChange:
    """Make a briefing public, stamping its first publication date."""
    return transition(briefing, EditorialState.PUBLISHED, actor=actor, reason=reason)


def withdraw_briefing(
    briefing: Briefing, *, actor=None, reason: str = ""
) -> StateChange:
    """Take a briefing out of public view."""
    return transition(briefing, EditorialState.WITHDRAWN, actor=actor, reason=reason)


@transaction.atomic
def mark_reviewed(initiative: Initiative, *, actor=None) -> None:
    """Record that a publisher has checked the entry is still right, today."""
    if actor is not None and not may_publish(actor, initiative):
        raise PermissionDenied("Only publishers may mark an entry as reviewed.")
    initiative.last_reviewed_at = timezone.now()
    with recorded_as(user=actor, reason="Reviewed"):
        initiative.save(update_fields=["last_reviewed_at", "updated_at"])
