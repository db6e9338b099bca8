"""What the browser journeys share beside their fixtures (conftest.py)."""

from tests import factories


def sign_in(page, username: str, password: str = factories.PASSWORD, *, wait_for="**/") -> None:
    """Sign `username` in through the login form of `page`, then wait for `wait_for` (a
    URL glob or predicate, as Playwright's `wait_for_url` takes)."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(wait_for)
