"""GraphQL errors with a stable ``extensions.code`` that clients can branch on."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError


class ApiError(GraphQLError):
    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": self.code, **extensions})


class Unauthenticated(ApiError):
    code = "UNAUTHENTICATED"

    def __init__(self, message: str = "Sign in first") -> None:
        super().__init__(message)


class Forbidden(ApiError):
    code = "FORBIDDEN"

    def __init__(self, object: str, action: str, dealer_id: int | None = None) -> None:
        permission = f"{object}:{action}"
        super().__init__(
            f"Missing permission {permission}" + (f" at dealer {dealer_id}" if dealer_id else ""),
            permission=permission,
        )


class NoDealerSelected(ApiError):
    code = "DEALER_REQUIRED"

    def __init__(self) -> None:
        super().__init__("No dealer selected; call switchDealer first")


class BadUserInput(ApiError):
    code = "BAD_USER_INPUT"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)


class NotFound(ApiError):
    code = "NOT_FOUND"

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} not found")
