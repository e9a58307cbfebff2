class AccessError(Exception):
    code = "UNAUTHENTICATED"


class InvalidCredentials(AccessError):
    """Unknown user, wrong password or inactive account: one answer for all three."""

    def __init__(self) -> None:
        super().__init__("Username or password is wrong")


class SignInThrottled(AccessError):
    code = "TOO_MANY_ATTEMPTS"

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"Too many failed sign-ins; try again in {retry_after_seconds} s")
        self.retry_after_seconds = retry_after_seconds
