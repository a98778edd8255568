"""What ties a login to the browser that made it (issue 18): a signed HttpOnly cookie.

Streamlit keeps a login in its session, and a session is found again by its id: a browser that
presents another browser's session id (copied from its page, its proxy logs, a screen share)
reconnects to that session, login included.  Streamlit's script cannot set a cookie, but the
server can: ``serve.py`` runs the app as ``st.App`` with ``BrowserCookie``, an ASGI middleware that
gives every browser a random token, signed with the server's cookie secret, in an HttpOnly cookie
(page scripts cannot read it, so a script injected into a page cannot copy it).  The browser
sends it with the websocket that carries the session, where the page reads it
(``st.context.cookies``): a login records the token, and a run whose connection carries another
token, or none, drops the login (pages/_auth.py).  A replay of the session id without the cookie
therefore gets a logged-out page.

Without ``serve.py`` (``streamlit run app.py``, the tests' AppTest) no middleware is active and
logins are not bound: ``active()`` says which.
"""

import hashlib
import hmac
import secrets

COOKIE = "rbdash_browser"
_state = {"secret": None}


def use_secret(secret: str | bytes | None) -> None:
    """Sign and check tokens with ``secret`` from now on (None: binding off).  The middleware
    calls this when the server builds it, in the process that runs the pages."""
    _state["secret"] = secret.encode() if isinstance(secret, str) else secret


def active() -> bool:
    """True when this process serves pages through ``BrowserCookie``: logins must be bound."""
    return bool(_state["secret"])


def _signature(token: str) -> str:
    return hmac.new(_state["secret"], token.encode(), hashlib.sha256).hexdigest()[:32]


def issue() -> str:
    """A new cookie value: a random token and its signature."""
    token = secrets.token_urlsafe(24)
    return f"{token}.{_signature(token)}"


def token(value: str | None) -> str | None:
    """The token of a cookie value this server signed, else None (absent, forged, another secret)."""
    if not active() or not value or value.count(".") != 1:
        return None
    token_, signature = value.split(".")
    return token_ if hmac.compare_digest(signature, _signature(token_)) else None


def _cookie(headers, name) -> str | None:
    """The value of cookie ``name`` in raw ASGI headers (the last one wins, as in browsers' order)."""
    found = None
    for key, value in headers:
        if key.lower() != b"cookie":
            continue
        for part in value.decode("latin-1").split(";"):
            k, _, v = part.strip().partition("=")
            if k == name:
                found = v
    return found


class BrowserCookie:
    """ASGI middleware: every HTTP response to a browser without a valid token sets one
    (HttpOnly, SameSite=Lax, Secure over HTTPS, no expiry: it ends with the browser).  The
    websocket handshake passes through unchanged: it only carries the cookie."""

    def __init__(self, app, secret: str):
        self.app = app
        use_secret(secret)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or token(_cookie(scope.get("headers", []), COOKIE)):
            return await self.app(scope, receive, send)
        attributes = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if scope.get("scheme") == "https" else "")
        header = (b"set-cookie", f"{COOKIE}={issue()}{attributes}".encode("latin-1"))

        async def send_with_cookie(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), header]}
            await send(message)

        return await self.app(scope, receive, send_with_cookie)
