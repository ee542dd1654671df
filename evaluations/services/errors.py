from django.core.exceptions import ValidationError


class WorkflowError(ValidationError):
    """A workflow step that cannot happen in the object's current state; the message is for the officer."""
