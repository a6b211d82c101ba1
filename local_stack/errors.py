"""Errors the stack raises; each names the part, what failed and what to do."""


class StackError(RuntimeError):
    """A stack operation failed; the message says which part and the likely fix."""


class ProbeFailed(RuntimeError):
    """A server did not answer its own protocol (yet)."""
