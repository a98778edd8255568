"""The app as it is served in production: ``streamlit run serve.py`` (what ``./dev start`` runs).

The same pages as ``streamlit run app.py``, run by Streamlit's ``st.App`` so that a middleware can
tie each login to its browser with a signed HttpOnly cookie (rbdash/binding.py): a session id
presented by another browser finds itself logged out.  Signed with ``server.cookieSecret``, which
replicas behind one proxy share (docs/postgresql.md, "Several replicas").
"""

import streamlit as st
from starlette.middleware import Middleware

from rbdash.binding import BrowserCookie

app = st.App("app.py", middleware=[Middleware(BrowserCookie, secret=st.get_option("server.cookieSecret"))])
