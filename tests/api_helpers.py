"""Calling the API in tests: a caller that issues a token for a user of a role."""

from sqlalchemy import func, select

from fundtrack.auth.tokens import issue_token
from tests import factories


class ApiCaller:
    """`api.as_("treasurer", centre).post("/income", json=...)` with a fresh bearer token."""

    def __init__(self, client, session):
        self.client = client
        self.session = session
        self.headers: dict = {}
        self.user = None

    def as_(self, role: str, centre=None, **kwargs) -> "ApiCaller":
        caller = ApiCaller(self.client, self.session)
        caller.user = factories.user(self.session, role=role, centre=centre, **kwargs)
        _row, token = issue_token(self.session, caller.user, f"{role} test")
        caller.headers = {"Authorization": f"Bearer {token}"}
        caller.token = token
        return caller

    def _call(self, method: str, path: str, **kwargs):
        headers = self.headers | kwargs.pop("headers", {})
        return self.client.open("/api/v1" + path, method=method, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self._call("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self._call("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self._call("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self._call("DELETE", path, **kwargs)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))
