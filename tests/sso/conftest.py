"""A real OpenID Connect provider (oidc-provider-mock) on 127.0.0.1, for the single sign-on
tests: started by the test, with Styrkort registered as a client."""

import threading
from types import SimpleNamespace
from urllib.parse import quote

import httpx
import pytest
import werkzeug.serving
from oidc_provider_mock import app as provider_app

from core.oidc import forget_provider_metadata


@pytest.fixture
def provider():
    """The provider, on a free port of 127.0.0.1: its issuer URL. Clients must register (so
    the client id and secret are checked) and send a nonce."""
    server = werkzeug.serving.make_server(
        "127.0.0.1",
        0,
        provider_app(require_client_registration=True, require_nonce=True),
        threaded=True,
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
        forget_provider_metadata()


def register(provider: str, callback: str) -> tuple[str, str]:
    """Register Styrkort with the provider (dynamic registration): its client id and secret."""
    response = httpx.post(
        f"{provider}/oauth2/clients",
        json={"redirect_uris": [callback], "token_endpoint_auth_method": "client_secret_post"},
    )
    assert response.status_code == 201, response.text
    client = response.json()
    return client["client_id"], client["client_secret"]


def add_identity(provider: str, sub: str, **claims) -> None:
    """An identity the provider signs in as `sub`, with these claims."""
    response = httpx.put(f"{provider}/users/{quote(sub)}", json=claims)
    assert response.status_code == 204, response.text


@pytest.fixture
def sso(settings, provider):
    """Single sign-on configured against the provider, for a Styrkort served at `base_url`."""

    def configure(base_url: str, **overrides):
        client_id, secret = register(provider, f"{base_url}/sso/callback/")
        settings.OIDC_ISSUER = provider
        settings.OIDC_RP_CLIENT_ID = client_id
        settings.OIDC_RP_CLIENT_SECRET = secret
        for name, value in overrides.items():
            setattr(settings, name, value)
        forget_provider_metadata()
        return SimpleNamespace(provider=provider, client_id=client_id, secret=secret)

    return configure
