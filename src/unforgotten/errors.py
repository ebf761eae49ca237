"""The one exception tree of Unforgotten.

Every error a user can cause is a subclass of :class:`UnforgottenError`, and each leaf
also subclasses the matching built-in so that generic code keeps working::

    UnforgottenError
    ├── ConfigError (ValueError)          settings, key files, database URL
    ├── NotFoundError (LookupError)       a record, person, batch or key that does not exist
    ├── ValidationError (ValueError)      an input file or value that breaks the rules
    │   ├── BatchRejected                 an import batch with one or more bad rows
    │   └── FieldErrors                   values entered in a form that break the rules
    ├── DuplicateBatchError (ValueError)  the same file (same SHA-256) imported twice
    ├── ConflictError (ValueError)        a change based on a state that has moved on since
    │   ├── StaleVersionError             a save based on a version that a later save replaced
    │   └── DuplicateReadoutError         a readout (same text, or same round) already saved
    ├── RegistryBusy (RuntimeError)       another write (a long import) held the registry too long
    ├── PermissionDenied (PermissionError) a role not allowed to do what it asked
    ├── IntegrityError (RuntimeError)     the audit chain or a record hash does not verify
    ├── CryptoError (RuntimeError)        a protected value cannot be decrypted with the key given
    ├── WriteAborted (RuntimeError)       a write stopped half-way for a reason outside the data
    └── EstimationError (ArithmeticError) an estimator cannot produce a result for this table

The command line turns each into a message and a non-zero exit; the web application into a
page or JSON with the matching status. Nothing else catches broadly.

Warnings of our own (:class:`UnforgottenWarning`) carry convergence and data-quality notes.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BatchRejected",
    "ConfigError",
    "ConflictError",
    "CryptoError",
    "DuplicateBatchError",
    "DuplicateReadoutError",
    "EstimationError",
    "FieldErrors",
    "IntegrityError",
    "NotFoundError",
    "PermissionDenied",
    "Problem",
    "RegistryBusy",
    "StaleVersionError",
    "UnforgottenError",
    "UnforgottenWarning",
    "ValidationError",
    "WriteAborted",
]


class UnforgottenError(Exception):
    """Root of every error Unforgotten raises on purpose."""

    exit_code = 1


class ConfigError(UnforgottenError, ValueError):
    """Raised when a setting, key file or database URL is missing or unusable."""

    exit_code = 2


class NotFoundError(UnforgottenError, LookupError):
    """Raised when a record, person, batch, source or key does not exist."""

    exit_code = 3


class ValidationError(UnforgottenError, ValueError):
    """Raised when an input value or file breaks the rules."""

    exit_code = 4


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one input row: where it is and why.

    ``value`` is shown to the user, so it must never hold a protected field's content; ``reason``
    never holds the value. ``code`` names the kind of problem for scripts (``unknown_value`` …).
    """

    file: str
    row: int
    column: str
    value: str
    reason: str
    severity: str = "error"
    code: str = ""

    def __str__(self) -> str:
        shown = f" {self.value!r}" if self.value else ""
        return f"{self.file}: row {self.row}, column {self.column!r}:{shown} {self.reason}"


class BatchRejected(ValidationError):
    """Raised when an import batch has bad rows; nothing of it was written.

    A message shows at most :attr:`shown` problems (all when ``None``) and says where the rest
    are: in the file :attr:`report` when one was written.
    """

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        self.shown: int | None = None
        self.report: str | None = None
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"{file}: {len(errors)} bad row(s); nothing was imported")

    def lines(self) -> list[str]:
        """The problems to show under the message, then how many more there are and where."""
        shown = self.problems if self.shown is None else self.problems[: self.shown]
        lines = [f"- {p}" for p in shown]
        rest, total = len(self.problems) - len(shown), len(self.problems)
        if rest and self.report:
            lines.append(f"… and {rest} more (all {total} in {self.report})")
        elif rest:
            lines.append(f"… and {rest} more; to see all {total}, use --report FILE (CSV or JSON) or --json")
        return lines

    def __reduce__(self) -> tuple[type[BatchRejected], tuple[str, list[Problem]]]:
        return (type(self), (self.file, self.problems))  # crosses from the process that prepares rows


class DuplicateBatchError(UnforgottenError, ValueError):
    """Raised when a file with the same SHA-256 was already imported."""

    exit_code = 5


class ConflictError(UnforgottenError, ValueError):
    """Raised when a change is based on a state that a later change has moved on from.

    Undoing a merge whose persons were changed since, or saving over a newer version: nothing is
    written, and the message names the later change.
    """

    exit_code = 11


class StaleVersionError(ConflictError):
    """Raised when a save is based on a version of a record that a later save has replaced.

    Nothing is written. :attr:`expected` is the version the save was based on, :attr:`current`
    the version now stored; :attr:`theirs` the stored document and :attr:`mine` the one that was
    refused, so a form can show both and carry the changes over.
    """

    def __init__(
        self, message: str, *, expected: int, current: int, theirs: dict[str, object], mine: dict[str, object]
    ) -> None:
        super().__init__(message)
        self.expected, self.current, self.theirs, self.mine = expected, current, theirs, mine

    def __reduce__(self) -> tuple[object, ...]:
        return (_stale, (str(self), self.expected, self.current, self.theirs, self.mine))


def _stale(
    message: str, expected: int, current: int, theirs: dict[str, object], mine: dict[str, object]
) -> StaleVersionError:
    return StaleVersionError(message, expected=expected, current=current, theirs=theirs, mine=mine)


class FieldErrors(ValidationError):
    """Raised when values entered in a form or on the command line break the rules.

    :attr:`errors` maps each bad field to what is wrong with it (never to a protected value), so
    a form can show each next to its field. Nothing is written.
    """

    def __init__(self, errors: dict[str, str], *, what: str = "record") -> None:
        listed = "; ".join(f"{field}: {why}" for field, why in errors.items())
        super().__init__(f"the {what} was not saved: {listed}")
        self.errors, self.what = errors, what

    def __reduce__(self) -> tuple[object, ...]:
        return (_field_errors, (self.errors, self.what))


def _field_errors(errors: dict[str, str], what: str) -> FieldErrors:
    return FieldErrors(errors, what=what)


class DuplicateReadoutError(ConflictError):
    """Raised when a readout is saved again: the same text (SHA-256), or a round of the same date
    and place is stored already. Nothing is written; the message names the stored round."""


class RegistryBusy(UnforgottenError, RuntimeError):
    """Raised when another write (a long import) held the registry's write lock for longer than
    the busy timeout; nothing was written, and the same request can simply be made again."""

    exit_code = 12

    def __init__(self, waited: float) -> None:
        self.retry_after = max(1, round(waited))
        super().__init__(
            f"the registry is busy with another write (such as a long import) and stayed locked for "
            f"{waited:g} s; nothing was written. Try again in a minute, or raise "
            "UNFORGOTTEN_BUSY_TIMEOUT."
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (float(self.retry_after),))


class PermissionDenied(UnforgottenError, PermissionError):
    """Raised when the acting role may not do what it asked."""

    exit_code = 6


class IntegrityError(UnforgottenError, RuntimeError):
    """Raised when the audit chain or a stored hash does not verify."""

    exit_code = 7


class CryptoError(UnforgottenError, RuntimeError):
    """Raised when a protected value cannot be encrypted or decrypted with the key given."""

    exit_code = 8


class WriteAborted(UnforgottenError, RuntimeError):
    """Raised when a write stops half-way for a reason outside the data (the process preparing
    its rows died, or could not be started); the transaction was rolled back, nothing is written."""

    exit_code = 10


class EstimationError(UnforgottenError, ArithmeticError):
    """Raised when an estimator cannot produce a result for the table it was given."""

    exit_code = 9


class UnforgottenWarning(UserWarning):
    """A data-quality or convergence note that does not stop the work."""
