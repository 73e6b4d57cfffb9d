"""Drives the official Python SDK (PyPI `workos`, pinned in requirements.txt) end to end against
the emulator binary: calls across every area whose operations the pinned document has, each
checked for a result of the right shape. Prints one line per call and exits 1 if any failed.

    cargo build -p workos-emulator --bin workos-emulator
    python3 -m venv .venv && .venv/bin/pip install -r tools/python-check/requirements.txt
    .venv/bin/python tools/python-check/check.py target/debug/workos-emulator

`.ci/run` runs it when Python 3 is installed. `cargo test` does not (it needs PyPI packages).
"""

import json
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyotp
import workos
from workos.pipes.models.data_integration_credentials_input import DataIntegrationCredentialsInput
from workos.user_management import PasswordPlaintext

HERE = Path(__file__).resolve().parent
BIN = sys.argv[1] if len(sys.argv) > 1 else str(HERE / "../../target/debug/workos-emulator")
SEED = str(HERE / "../../emulator/fixtures/seed.yaml")
API_KEY = "sk_test_python_sdk"
CLIENT_ID = "client_python_sdk"
RUN = format(int(time.time() * 1000), "x")

server = subprocess.Popen([BIN, "--port", "0", "--api-key", API_KEY, "--seed", SEED],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
banner = ""
while True:
    line = server.stderr.readline()
    if not line:
        sys.exit(f"the emulator exited: {banner}")
    banner += line
    match = re.search(r"listening on (http://\S+)", line)
    if match:
        BASE = match.group(1)
        break

client = workos.WorkOSClient(api_key=API_KEY, client_id=CLIENT_ID, base_url=BASE, max_retries=0)
results = []


def call(name, run, check=lambda v: True):
    """Runs one SDK call; `check` returns True or what was wrong."""
    try:
        value = run()
        verdict = check(value)
        if verdict is not True:
            raise AssertionError(verdict if isinstance(verdict, str) else "unexpected result")
        results.append((name, None))
        return value
    except Exception as e:  # every failure is reported, none stops the run
        detail = getattr(e, "response_json", None) or ""
        results.append((name, f"{type(e).__name__}: {e} {detail}".strip()))
        return None


def emulator(method, path, body=None):
    """The emulator's own endpoints (seed, outbox, registrations), with the API key."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{BASE}{path}", data=data, method=method,
                                 headers={"authorization": f"Bearer {API_KEY}", "content-type": "application/json"})
    with urllib.request.urlopen(req) as answer:
        return json.loads(answer.read() or b"null")


def outbox(to, kind):
    mails = emulator("GET", f"/_emulator/emails?to={urllib.parse.quote(to)}")["data"]
    return [m for m in mails if m["kind"] == kind][-1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def redirect_code(url):
    """Follows a browser redirect no further and reads the `code` it carries."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(url)
    except urllib.error.HTTPError as e:
        if e.code != 302:
            raise
        location = e.headers["location"]
        return urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["code"][0]
    raise AssertionError("no redirect")


def has(*fields):
    return lambda v: all(getattr(v, f, None) is not None for f in fields) or f"missing one of {fields}"


def items(v):
    return list(getattr(v, "data", None) or v)


def at_least(n):
    return lambda v: len(items(v)) >= n or f"fewer than {n} items"


# Organizations, users, memberships.
org = call("organizations.create_organization", lambda: client.organizations.create_organization(name=f"Python {RUN}", external_id=f"py-{RUN}"), has("id"))
call("organizations.get_organization", lambda: client.organizations.get_organization(org.id), has("id"))
call("organizations.get_organization_by_external_id", lambda: client.organizations.get_organization_by_external_id(f"py-{RUN}"), lambda o: o.id == org.id or "another organization")
call("organizations.list_organizations", lambda: client.organizations.list_organizations(), at_least(1))
call("organizations.update_organization", lambda: client.organizations.update_organization(org.id, name=f"Python {RUN} Inc"), lambda o: o.name == f"Python {RUN} Inc" or o.name)
domain = call("organization_domains.create_organization_domain", lambda: client.organization_domains.create_organization_domain(domain=f"py-{RUN}.test", organization_id=org.id), has("id"))
user = call("user_management.create_user", lambda: client.user_management.create_user(email=f"py-{RUN}@example.com", password=PasswordPlaintext(password="py-long-password-1"), first_name="Py"), has("id", "email"))
call("user_management.get_user", lambda: client.user_management.get_user(user.id), has("id"))
call("user_management.list_users", lambda: client.user_management.list_users(email=user.email), at_least(1))
membership = call("organization_membership.create_organization_membership", lambda: client.organization_membership.create_organization_membership(user_id=user.id, organization_id=org.id), has("id"))
call("organization_membership.list_organization_memberships", lambda: client.organization_membership.list_organization_memberships(organization_id=org.id), at_least(1))

# Authorization.
call("authorization.create_permission", lambda: client.authorization.create_permission(slug=f"py:read-{RUN}", name="Read"), has("slug"))
call("authorization.list_permissions", lambda: client.authorization.list_permissions(), at_least(1))
call("authorization.create_environment_role", lambda: client.authorization.create_environment_role(slug=f"py-reader-{RUN}", name="Reader"), has("slug"))

# Feature flags, directory sync and events (seeded).
call("feature_flags.list_feature_flags", lambda: client.feature_flags.list_feature_flags(), at_least(2))
call("feature_flags.get_feature_flag", lambda: client.feature_flags.get_feature_flag("new-billing"), has("slug"))
directories = call("directory_sync.list_directories", lambda: client.directory_sync.list_directories(), at_least(1))
call("directory_sync.list_users", lambda: client.directory_sync.list_users(directory=items(directories)[0].id), at_least(2))
call("directory_sync.list_groups", lambda: client.directory_sync.list_groups(directory=items(directories)[0].id), at_least(2))

# AuthKit: password and code sign-ins, refresh.
signed_in = call("user_management.authenticate_with_password", lambda: client.user_management.authenticate_with_password(email="ada@acme.test", password="correct-horse-battery"), has("access_token", "refresh_token"))
call("user_management.authenticate_with_refresh_token", lambda: client.user_management.authenticate_with_refresh_token(refresh_token=signed_in.refresh_token), has("access_token"))
call("user_management.get_authorization_url + authenticate_with_code", lambda: client.user_management.authenticate_with_code(code=redirect_code(client.user_management.get_authorization_url(redirect_uri="https://app.test/cb", provider="authkit", login_hint="ada@acme.test"))), has("access_token"))

# SSO (the seeded connection).
connections = call("sso.list_connections", lambda: client.sso.list_connections(domain="acme.test"), at_least(1))
connection = items(connections)[0]
call("sso.get_connection", lambda: client.sso.get_connection(connection.id), has("id"))
sso = call("sso.get_authorization_url + get_profile_and_token", lambda: client.sso.get_profile_and_token(code=redirect_code(client.sso.get_authorization_url(redirect_uri="https://app.test/sso", connection=connection.id, login_hint="ada@acme.test", state="s"))), lambda r: r.profile.email == "ada@acme.test" or r.profile.email)
call("sso.get_profile", lambda: client.sso.get_profile(access_token=sso.access_token), lambda p: p.id == sso.profile.id or "another profile")

# MFA: a TOTP factor whose codes pyotp computes, a generic code.
factor = call("multi_factor_auth.enroll_factor (totp)", lambda: client.multi_factor_auth.enroll_factor(type="totp", totp_issuer="Python", totp_user=f"py-{RUN}"), lambda f: f.totp.uri.startswith("otpauth://totp/") or f.totp.uri)
call("multi_factor_auth.get_factor", lambda: client.multi_factor_auth.get_factor(factor.id), has("id"))
challenge = call("multi_factor_auth.challenge_factor", lambda: client.multi_factor_auth.challenge_factor(factor.id), has("id"))
call("multi_factor_auth.verify_challenge", lambda: client.multi_factor_auth.verify_challenge(challenge.id, code=pyotp.parse_uri(factor.totp.uri).now()), lambda v: v.valid is True or "not valid")
call("multi_factor_auth.delete_factor", lambda: client.multi_factor_auth.delete_factor(factor.id))
enrolled = call("multi_factor_auth.create_user_auth_factor", lambda: client.multi_factor_auth.create_user_auth_factor(user.id, type="totp", totp_issuer="Python"), has("authentication_factor", "authentication_challenge"))
call("multi_factor_auth.list_user_auth_factors", lambda: client.multi_factor_auth.list_user_auth_factors(user.id), at_least(1))


def mfa_sign_in():
    emulator("POST", "/_emulator/seed", {"authentication": {"mfa_required": True}})
    try:
        client.user_management.authenticate_with_password(email=user.email, password="py-long-password-1")
    except workos.AuthorizationError as e:  # the SDK's MfaChallengeError, a 403
        if getattr(e, "pending_authentication_token", None) is None or e.code != "mfa_challenge":
            raise
        code = pyotp.parse_uri(enrolled.authentication_factor.totp.uri).now()
        return client.user_management.authenticate_with_totp(code=code, pending_authentication_token=e.pending_authentication_token, authentication_challenge_id=enrolled.authentication_challenge.id)
    finally:
        emulator("POST", "/_emulator/seed", {"authentication": {}})
    raise AssertionError("signed in without MFA")


call("user_management.authenticate_with_totp (mfa_challenge)", mfa_sign_in, has("access_token"))

# The device flow: the user approves at the verification URI, the device's next poll signs in.
emulator("POST", "/_emulator/seed", {"authentication": {"device_poll_interval_secs": 1}})
device = call("user_management.create_device", lambda: client.user_management.create_device(client_id=CLIENT_ID), has("device_code", "user_code"))


def device_sign_in():
    try:
        client.user_management.authenticate_with_device_code(device_code=device.device_code)
    except workos.BadRequestError as e:
        if (e.error or e.code) != "authorization_pending":
            raise
    urllib.request.urlopen(f"{device.verification_uri}?user_code={device.user_code}&login_hint=ada%40acme.test")
    time.sleep(1.1)
    return client.user_management.authenticate_with_device_code(device_code=device.device_code)


call("user_management.authenticate_with_device_code", device_sign_in, has("access_token"))
emulator("POST", "/_emulator/seed", {"authentication": {}})

# Admin Portal, Widgets, Radar.
call("admin_portal.generate_link", lambda: client.admin_portal.generate_link(organization=org.id, intent="sso"), lambda l: "/portal/" in l.link or l.link)
call("widgets.create_token", lambda: client.widgets.create_token(organization_id=org.id, user_id=user.id, scopes=["widgets:users-table:manage"]), lambda t: len(t.token.split(".")) == 3 or "not a JWT")
call("radar.add_list_entry", lambda: client.radar.add_list_entry("domain", "block", entry=f"blocked-{RUN}.test"))
attempt = call("radar.create_attempt", lambda: client.radar.create_attempt(ip_address="198.51.100.7", user_agent="python", email=f"x@blocked-{RUN}.test", auth_method="Password", action="sign-in"), lambda r: r.verdict == "block" or r.verdict)
call("radar.update_attempt", lambda: client.radar.update_attempt(attempt.attempt_id, attempt_status="success"))
call("radar.remove_list_entry", lambda: client.radar.remove_list_entry("domain", "block", entry=f"blocked-{RUN}.test"))

# Connect.
app = call("connect.create_oauth_application", lambda: client.connect.create_oauth_application(name="Python app", is_first_party=True), has("id", "client_id"))
call("connect.list_applications", lambda: client.connect.list_applications(), at_least(1))
call("connect.get_application", lambda: client.connect.get_application(app.id), has("id"))
call("connect.update_application", lambda: client.connect.update_application(app.id, name="Python application"), has("id"))
secret = call("connect.create_application_client_secret", lambda: client.connect.create_application_client_secret(app.id), has("id", "secret"))
call("connect.list_application_client_secrets", lambda: client.connect.list_application_client_secrets(app.id), at_least(1))
call("connect.delete_client_secret", lambda: client.connect.delete_client_secret(secret.id))
call("connect.delete_application", lambda: client.connect.delete_application(app.id))

# Pipes.
slug = f"notion{RUN}"
call("pipes.create_data_integration", lambda: client.pipes.create_data_integration(provider=slug, auth_methods=["oauth", "api_key"], scopes=["read"], credentials=DataIntegrationCredentialsInput(type="custom", client_id="notion_client", client_secret="notion_secret")), has("id", "slug"))
call("pipes.list_data_integrations", lambda: client.pipes.list_data_integrations(), at_least(1))
call("pipes.update_data_integration_api_key", lambda: client.pipes.update_data_integration_api_key(slug, user_id=user.id, secret="notion_key_123"), has("id"))
call("pipes.create_data_integration_credential", lambda: client.pipes.create_data_integration_credential(slug, user_id=user.id), lambda r: getattr(r, "active", None) is True or repr(r))
call("pipes.list_user_data_providers", lambda: client.pipes.list_user_data_providers(user.id), at_least(1))
call("pipes.delete_data_integration", lambda: client.pipes.delete_data_integration(slug))

# Agents, Vault, API keys.
registration = emulator("POST", "/_emulator/agents/registrations", {"organization_id": org.id})
call("agents.get_registration", lambda: client.agents.get_registration(registration["registration_id"]), lambda r: r.status == "unverified" or r.status)
call("agents.create_validate", lambda: client.agents.create_validate(type="api_key", credential=registration["api_key"]), lambda v: v.valid is True or repr(v))
kv = call("vault.create_kv", lambda: client.vault.create_kv(key_context={"organization_id": org.id}, name=f"py-secret-{RUN}", value="s3cret"), has("id"))
call("vault.list_kv", lambda: client.vault.list_kv(), at_least(1))
call("vault.encrypt + decrypt", lambda: client.vault.decrypt(encrypted_data=client.vault.encrypt(data="card 4111", key_context={"organization_id": org.id}, associated_data="aad"), associated_data="aad"), lambda p: p == "card 4111" or p)
call("vault.delete_kv", lambda: client.vault.delete_kv(kv.id))
key = call("api_keys.create_organization_api_key", lambda: client.api_keys.create_organization_api_key(org.id, name="py"), has("id", "value"))
call("api_keys.create_validation", lambda: client.api_keys.create_validation(value=key.value), lambda v: v.api_key is not None or "not valid")
call("api_keys.create_api_key_expire", lambda: client.api_keys.create_api_key_expire(key.id), has("expires_at"))

# Events, and clean-up calls.
call("events.list_events", lambda: client.events.list_events(events=["organization.created", "user.created"]), at_least(2))
call("organization_domains.delete_organization_domain", lambda: client.organization_domains.delete_organization_domain(domain.id))
call("user_management.delete_user", lambda: client.user_management.delete_user(user.id))
call("organizations.delete_organization", lambda: client.organizations.delete_organization(org.id))

server.terminate()
server.wait()
failed = [r for r in results if r[1]]
for name, error in results:
    print(f"{'FAIL' if error else 'ok  '} {name}{': ' + error if error else ''}")
print(f"\n{len(results) - len(failed)} of {len(results)} Python SDK calls succeeded against the emulator.")
sys.exit(1 if failed else 0)
