"""Drives the official Python SDK (PyPI `workos`, pinned in requirements.txt) end to end against
the emulator binary: calls every method of the SDK that makes a request (the operations WorkOS's
SDKs ship beyond the public document included), each checked for a result of the right shape.
Left out: the SDK's local helpers that make no request (`actions.*`, `pkce.*`, `webhooks.verify_*`;
`pkce` runs inside the `*_with_pkce` calls). Prints one line per call and exits 1 if any failed.

    cargo build -p workos-emulator --bin workos-emulator
    python3 -m venv .venv && .venv/bin/pip install -r tools/python-check/requirements.txt
    .venv/bin/python tools/python-check/check.py target/debug/workos-emulator

`.ci/run` runs it when Python 3 is installed. `cargo test` does not (it needs PyPI packages).
"""

import base64
import hashlib
import json
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import pyotp
import workos
from workos.agents.models import AgentAdminLinkClaimAttemptToExternalUserRequestUser as AgentUser
from workos.audit_logs import RetentionPeriodInDays
from workos.audit_logs.models import AuditLogEvent, AuditLogEventActor, AuditLogEventContext, AuditLogSchemaTargetInput
from workos.authorization import ParentResourceById, ResourceTargetByExternalId, ResourceTargetById
from workos.authorization.models import ReplaceGroupRoleAssignmentEntry
from workos.connect.models import CreateOAuthApplication, RedirectUriInput, UserObject
from workos.pipes.models.data_integration_credentials_input import DataIntegrationCredentialsInput
from workos.session import seal_session_from_auth_response
from workos.sso import CreateProtocolOptionsSAML
from workos.sso.models import CreateConnectionSAMLOptions
from workos.user_management import PasswordPlaintext
from workos.user_management.models import PasswordSessionAuthenticateRequest

HERE = Path(__file__).resolve().parent
BIN = sys.argv[1] if len(sys.argv) > 1 else str(HERE / "../../target/debug/workos-emulator")
SEED = str(HERE / "../../emulator/fixtures/seed.yaml")
API_KEY = "sk_test_python_sdk"
CLIENT_ID = "client_python_sdk"
IDP_CERT = ("-----BEGIN CERTIFICATE-----\n"
            "MIIBfjCCASOgAwIBAgIUf1P/JGiW6CgX9ElTI8tQQomV9twwCgYIKoZIzj0EAwIw\n"
            "EzERMA8GA1UEAwwIaWRwLnRlc3QwIBcNMjYxMjA3MTk0NjA1WhgPMjEyNjExMTMx\n"
            "OTQ2MDVaMBMxETAPBgNVBAMMCGlkcC50ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0D\n"
            "AQcDQgAEoan1zTO1sFp+nJ3cpRf8fDVF6nFnN++vta8p06uVUPNjp+hZpIO6cyMT\n"
            "d0xLROMoHcENu4vw7qm08cdT0/oMfKNTMFEwHQYDVR0OBBYEFA/wRs3g9FXRDCKi\n"
            "fsAjzCi7u62XMB8GA1UdIwQYMBaAFA/wRs3g9FXRDCKifsAjzCi7u62XMA8GA1Ud\n"
            "EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIhALlj2Or+9BSr6B5rfenxmyIT\n"
            "jMASo9vi6Scw+J22jEknAiEAhunUtbUnIUaoq/roVj8FIJeBEalfxi78nfZJMPik\n"
            "YhU=\n"
            "-----END CERTIFICATE-----\n")  # a self-signed P-256 certificate for the IdP signing-cert calls
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

# Pipes beyond the basics: a second integration, its OAuth flow finished with PKCE, API-key and
# client-credentials installs, connected accounts of users and organizations, and an
# organization-owned integration.
slug2 = f"linear{RUN}"
call("pipes.create_data_integration (a second)", lambda: client.pipes.create_data_integration(provider=slug2, auth_methods=["oauth", "api_key", "client_credentials"], scopes=["read"], credentials=DataIntegrationCredentialsInput(type="custom", client_id="linear_client", client_secret="linear_secret")), has("id", "slug"))
call("pipes.get_data_integration", lambda: client.pipes.get_data_integration(slug2), lambda d: d.slug == slug2 or d.slug)
call("pipes.update_data_integration", lambda: client.pipes.update_data_integration(slug2, description="Linear"), lambda d: d.description == "Linear" or d.description)
verifier = "py-verifier-" + "v" * 40


def finish_pipes_flow():
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    started = client.pipes.authorize_data_integration(slug2, user_id=user.id, code_challenge=challenge, code_challenge_method="S256")
    consent = json.loads(urllib.request.urlopen(started.url).read())
    return client.pipes.finish_connection(connect_code=consent["connect_code"], code_verifier=verifier, state=started.state)


call("pipes.authorize_data_integration", lambda: client.pipes.authorize_data_integration(slug2, user_id=user.id, return_to="https://app.test/done"), lambda r: r.url.startswith("http") or r.url)
call("pipes.authorize_data_integration (PKCE) + finish_connection", finish_pipes_flow, lambda r: r.connected_account.id is not None or repr(r))
call("pipes.get_access_token", lambda: client.pipes.get_access_token(slug2, user_id=user.id), lambda r: getattr(r, "active", None) is True or repr(r))
call("pipes.get_user_connected_account", lambda: client.pipes.get_user_connected_account(user.id, slug2), has("id"))
call("pipes.update_user_connected_account", lambda: client.pipes.update_user_connected_account(user.id, slug2, account_display_name="Py Linear"), has("id"))
call("pipes.delete_user_connected_account", lambda: client.pipes.delete_user_connected_account(user.id, slug2))
call("pipes.create_user_connected_account", lambda: client.pipes.create_user_connected_account(user.id, slug2, access_token="lin_access", scopes=["read"]), has("id"))
call("pipes.create_data_integration_api_key", lambda: client.pipes.create_data_integration_api_key(slug2, user_id=user.id, secret="lin_key_1", connection_intent="add", account_identifier="second"), has("id"))
call("pipes.update_data_integration_client_credentials", lambda: client.pipes.update_data_integration_client_credentials(slug2, user_id=user.id, client_id="cc_id", client_secret="cc_secret"), has("id"))
call("pipes.create_data_integration_client_credential", lambda: client.pipes.create_data_integration_client_credential(slug2, user_id=user.id, client_id="cc_id2", client_secret="cc_secret2", connection_intent="add", account_identifier="third"), has("id"))
call("pipes.create_organization_connected_account", lambda: client.pipes.create_organization_connected_account(org.id, slug2, user_id=user.id, access_token="org_access", scopes=["read"]), has("id"))
call("pipes.get_organization_connected_account", lambda: client.pipes.get_organization_connected_account(org.id, slug2), has("id"))
call("pipes.update_organization_connected_account", lambda: client.pipes.update_organization_connected_account(org.id, slug2, user_id=user.id, account_display_name="Org Linear"), has("id"))
call("pipes.delete_organization_connected_account", lambda: client.pipes.delete_organization_connected_account(org.id, slug2))
call("pipes_provider.update_organization_data_integration_configuration", lambda: client.pipes_provider.update_organization_data_integration_configuration(org.id, slug2, enabled=True, client_id="org_client", client_secret="org_secret"), has("enabled"))
call("pipes_provider.list_organization_data_integration_configurations", lambda: client.pipes_provider.list_organization_data_integration_configurations(org.id), at_least(1))
slug3 = f"github{RUN}"
call("pipes.create_data_integration (organization-owned)", lambda: client.pipes.create_data_integration(provider=slug3, ownership="organization", auth_methods=["oauth"], scopes=["repo"], credentials=DataIntegrationCredentialsInput(type="custom", client_id="gh_client", client_secret="gh_secret")), has("id", "slug"))
call("pipes.list_organization_data_providers", lambda: client.pipes.list_organization_data_providers(org.id), at_least(1))
call("pipes.list_data_integration_organization", lambda: client.pipes.list_data_integration_organization(slug3), has("slug"))
call("pipes.update_data_integration_organization", lambda: client.pipes.update_data_integration_organization(slug3, description="GitHub"), lambda d: d.description == "GitHub" or d.description)
call("pipes.delete_data_integration_organization", lambda: client.pipes.delete_data_integration_organization(slug3))
call("pipes.delete_data_integration (the second)", lambda: client.pipes.delete_data_integration(slug2))

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

# SSO connections (create/update) and their SAML certificates.
saml = CreateProtocolOptionsSAML(saml_options=CreateConnectionSAMLOptions(idp_entity_id="https://idp.test", idp_sso_url="https://idp.test/sso"))
made = call("sso.create_connection", lambda: client.sso.create_connection(organization_id=org.id, name=f"Py SAML {RUN}", connection_type="GenericSAML", protocol_options=saml), lambda c: c.organization_id == org.id or c.organization_id)
call("sso.update_connection", lambda: client.sso.update_connection(made.id, name=f"Py SAML {RUN} 2"), lambda c: c.name == f"Py SAML {RUN} 2" or c.name)
call("sso.create_connection_saml_idp_signing_cert (a first)", lambda: client.sso.create_connection_saml_idp_signing_cert(made.id, value=IDP_CERT), has("id"))
idp_cert = call("sso.create_connection_saml_idp_signing_cert", lambda: client.sso.create_connection_saml_idp_signing_cert(made.id, value=IDP_CERT), has("id"))
call("sso.list_connection_saml_idp_signing_certs", lambda: client.sso.list_connection_saml_idp_signing_certs(made.id), at_least(2))
call("sso.delete_connection_saml_idp_signing_cert", lambda: client.sso.delete_connection_saml_idp_signing_cert(made.id, idp_cert.id))
enc_cert = call("sso.create_connection_saml_sp_encryption_cert", lambda: client.sso.create_connection_saml_sp_encryption_cert(made.id), has("id"))
call("sso.list_connection_saml_sp_encryption_certs", lambda: client.sso.list_connection_saml_sp_encryption_certs(made.id), at_least(1))
call("sso.delete_connection_saml_sp_encryption_cert", lambda: client.sso.delete_connection_saml_sp_encryption_cert(made.id, enc_cert.id))
sp_cert = call("sso.create_connection_saml_sp_signing_cert", lambda: client.sso.create_connection_saml_sp_signing_cert(made.id), has("id"))
call("sso.list_connection_saml_sp_signing_cert", lambda: client.sso.list_connection_saml_sp_signing_cert(made.id), has("id"))
call("sso.delete_connection_saml_sp_signing_cert", lambda: client.sso.delete_connection_saml_sp_signing_cert(made.id, sp_cert.id))
call("sso.delete_connection", lambda: client.sso.delete_connection(made.id))

# Organization IT contacts, Admin Portal links revoked.
contact = call("organizations.create_it_contact", lambda: client.organizations.create_it_contact(org.id, email=f"it-{RUN}@example.com"), has("id"))
call("organizations.list_it_contacts", lambda: client.organizations.list_it_contacts(org.id), at_least(1))
call("organizations.invite_it_contact", lambda: client.organizations.invite_it_contact(org.id, contact.id, intents=["sso"]))
call("organizations.revoke_it_contact", lambda: client.organizations.revoke_it_contact(org.id, contact.id))
call("organizations.delete_it_contact", lambda: client.organizations.delete_it_contact(org.id, contact.id))
call("admin_portal.revoke_link", lambda: client.admin_portal.revoke_link(organization=org.id, external_user_id=f"py-{RUN}"))

# Waitlists (seeded: no operation creates one) and their entries.
emulator("POST", "/_emulator/seed", {"records": [{"path": "/user_management/waitlists"}]})
waitlists = call("user_management.list_waitlists", lambda: client.user_management.list_waitlists(), at_least(1))
waitlist = items(waitlists)[0]
call("user_management.get_waitlist", lambda: client.user_management.get_waitlist(waitlist.id), lambda w: w.id == waitlist.id or "another waitlist")
entry = call("user_management.create_waitlist_entry", lambda: client.user_management.create_waitlist_entry(waitlist.id, email=f"wait-{RUN}@example.com"), has("id"))
denied = call("user_management.create_waitlist_entry", lambda: client.user_management.create_waitlist_entry(waitlist.id, email=f"wait2-{RUN}@example.com"), has("id"))
call("user_management.list_waitlist_entries", lambda: client.user_management.list_waitlist_entries(waitlist.id), at_least(2))
call("user_management.create_waitlist_entry_approve", lambda: client.user_management.create_waitlist_entry_approve(entry.id), lambda e: e.state == "approved" or e.state)
call("user_management.create_waitlist_entry_deny", lambda: client.user_management.create_waitlist_entry_deny(denied.id), lambda e: e.state == "denied" or e.state)
call("user_management.delete_waitlist_entry", lambda: client.user_management.delete_waitlist_entry(denied.id))

# AuthKit OAuth resources, platform teams, passwordless sessions.
resource = call("user_management.create_authkit_oauth_resource", lambda: client.user_management.create_authkit_oauth_resource(uri=f"https://api-{RUN}.test"), has("id"))
call("user_management.list_authkit_oauth_resources", lambda: client.user_management.list_authkit_oauth_resources(), at_least(1))
call("user_management.delete_authkit_oauth_resource", lambda: client.user_management.delete_authkit_oauth_resource(resource.id))
team = call("platform_teams.create_team", lambda: client.platform_teams.create_team(admin_email=f"admin-{RUN}@example.com", name=f"Py team {RUN}"), has("id"))
call("platform_teams.get_team", lambda: client.platform_teams.get_team(team.id), lambda t: t.id == team.id or "another team")
passwordless = call("passwordless.create_session", lambda: client.passwordless.create_session(email=f"pl-{RUN}@example.com", type="MagicLink", redirect_uri="https://app.test/pl"), has("id", "link"))
call("passwordless.send_session", lambda: client.passwordless.send_session(passwordless.id), lambda r: r is True or repr(r))

# Directory sync beyond the lists (the seeded directory).
directory = items(directories)[0]
call("directory_sync.get_directory", lambda: client.directory_sync.get_directory(directory.id), lambda d: d.id == directory.id or "another directory")
call("directory_sync.get_user", lambda: client.directory_sync.get_user(items(client.directory_sync.list_users(directory=directory.id))[0].id), has("id"))
call("directory_sync.get_group", lambda: client.directory_sync.get_group(items(client.directory_sync.list_groups(directory=directory.id))[0].id), has("id"))
call("directory_sync.create_directory_sync", lambda: client.directory_sync.create_directory_sync(directory.id), lambda r: r.status == "queued" or r.status)

# Agent blueprints, their tokens; instances and sessions (seeded: no operation creates them).
blueprint = call("agents.create_blueprint", lambda: client.agents.create_blueprint(name=f"py-agent-{RUN}", description="Python"), has("id"))
call("agents.get_blueprint", lambda: client.agents.get_blueprint(blueprint.id), lambda b: b.id == blueprint.id or "another blueprint")
call("agents.list_blueprints", lambda: client.agents.list_blueprints(), at_least(1))
call("agents.update_blueprint", lambda: client.agents.update_blueprint(blueprint.id, description="Python, updated"), lambda b: b.description == "Python, updated" or b.description)
agent_token = call("agents.create_blueprint_token", lambda: client.agents.create_blueprint_token(blueprint.id, type="autonomous", organization_id=org.id), has("access_token"))
call("agents.validate_blueprint_token", lambda: client.agents.validate_blueprint_token(blueprint.id, agent_access_token=agent_token.access_token), lambda v: getattr(v, "valid", None) is True or repr(v))
emulator("POST", "/_emulator/seed", {"records": [{"path": "/agents/instances", "fields": {"agent_blueprint_id": blueprint.id, "organization_id": org.id, "organization_membership_id": None, "type": "autonomous"}}]})
instances = call("agents.list_instances", lambda: client.agents.list_instances(agent_blueprint_id=blueprint.id), at_least(1))
instance = items(instances)[0]
call("agents.get_instance", lambda: client.agents.get_instance(instance.id), lambda i: i.id == instance.id or "another instance")
emulator("POST", "/_emulator/seed", {"records": [{"path": "/agents/sessions", "fields": {"agent_instance_id": instance.id, "status": "active", "expires_at": "2099-01-01T00:00:00.000Z", "revoked_at": None}}]})
sessions = call("agents.list_sessions", lambda: client.agents.list_sessions(agent_instance_id=instance.id), at_least(1))
call("agents.get_session", lambda: client.agents.get_session(items(sessions)[0].id), has("id"))
call("agents.revoke_session", lambda: client.agents.revoke_session(items(sessions)[0].id), lambda s: s.status == "revoked" or s.status)
call("agents.delete_instance", lambda: client.agents.delete_instance(instance.id))
call("agents.delete_blueprint", lambda: client.agents.delete_blueprint(blueprint.id))
call("agents.revoke_registration", lambda: client.agents.revoke_registration(registration["registration_id"]), lambda r: r.status == "revoked" or r.status)

# Groups, their members (PATCH) and role assignments.
group = call("groups.create_organization_group", lambda: client.groups.create_organization_group(org.id, name=f"Py group {RUN}"), has("id"))
call("groups.get_organization_group", lambda: client.groups.get_organization_group(org.id, group.id), lambda g: g.id == group.id or "another group")
call("groups.list_organization_groups", lambda: client.groups.list_organization_groups(org.id), at_least(1))
call("groups.update_organization_group", lambda: client.groups.update_organization_group(org.id, group.id, name=f"Py group {RUN} 2"), lambda g: g.name == f"Py group {RUN} 2" or g.name)
call("groups.create_group_organization_membership", lambda: client.groups.create_group_organization_membership(org.id, group.id, organization_membership_id=membership.id), has("id"))
call("groups.list_group_organization_memberships", lambda: client.groups.list_group_organization_memberships(org.id, group.id), at_least(1))
call("organization_membership.list_organization_membership_groups", lambda: client.organization_membership.list_organization_membership_groups(membership.id), at_least(1))
call("groups.delete_group_organization_membership", lambda: client.groups.delete_group_organization_membership(org.id, group.id, membership.id))
call("groups.update_group_organization_memberships", lambda: client.groups.update_group_organization_memberships(org.id, group.id, add=[membership.id]))
call("groups.list_group_organization_memberships (after PATCH add)", lambda: client.groups.list_group_organization_memberships(org.id, group.id), at_least(1))
role = call("authorization.create_organization_role", lambda: client.authorization.create_organization_role(org.id, name="Py editor", slug=f"org-py-editor-{RUN}"), has("slug"))
assignment = call("authorization.create_group_role_assignment", lambda: client.authorization.create_group_role_assignment(group.id, role_slug=role.slug), has("id"))
call("authorization.get_group_role_assignment", lambda: client.authorization.get_group_role_assignment(group.id, assignment.id), lambda a: a.id == assignment.id or "another assignment")
call("authorization.list_group_role_assignments", lambda: client.authorization.list_group_role_assignments(group.id), at_least(1))
call("authorization.delete_group_role_assignment", lambda: client.authorization.delete_group_role_assignment(group.id, assignment.id))
call("authorization.update_group_role_assignments", lambda: client.authorization.update_group_role_assignments(group.id, role_assignments=[ReplaceGroupRoleAssignmentEntry(role_slug=role.slug)]), at_least(1))
call("authorization.patch_group_role_assignments", lambda: client.authorization.patch_group_role_assignments(group.id, remove=[ReplaceGroupRoleAssignmentEntry(role_slug=role.slug)]))
call("authorization.list_group_role_assignments (after PATCH remove)", lambda: client.authorization.list_group_role_assignments(group.id), lambda v: len(items(v)) == 0 or f"{len(items(v))} left")
call("authorization.create_group_role_assignment (again)", lambda: client.authorization.create_group_role_assignment(group.id, role_slug=role.slug), has("id"))
call("authorization.delete_group_role_assignments", lambda: client.authorization.delete_group_role_assignments(group.id, role_slug=role.slug))
call("groups.delete_organization_group", lambda: client.groups.delete_organization_group(org.id, group.id))

# User Management beyond sign-in: users, invitations, redirect URIs, CORS origins, JWT template,
# user API keys, sessions.
call("user_management.update_user", lambda: client.user_management.update_user(user.id, last_name="Thon", external_id=f"py-user-{RUN}"), lambda u: u.last_name == "Thon" or u.last_name)
call("user_management.get_user_by_external_id", lambda: client.user_management.get_user_by_external_id(f"py-user-{RUN}"), lambda u: u.id == user.id or "another user")
call("user_management.get_user_identities", lambda: client.user_management.get_user_identities(user.id), lambda v: isinstance(v, list) or repr(v))
invitation = call("user_management.send_invitation", lambda: client.user_management.send_invitation(email=f"invitee-{RUN}@example.com", organization_id=org.id), has("id", "token"))
call("user_management.get_invitation", lambda: client.user_management.get_invitation(invitation.id), lambda i: i.id == invitation.id or "another invitation")
call("user_management.find_invitation_by_token", lambda: client.user_management.find_invitation_by_token(invitation.token), lambda i: i.id == invitation.id or "another invitation")
call("user_management.list_invitations", lambda: client.user_management.list_invitations(organization_id=org.id), at_least(1))
call("user_management.resend_invitation", lambda: client.user_management.resend_invitation(invitation.id), has("id"))
call("user_management.revoke_invitation", lambda: client.user_management.revoke_invitation(invitation.id), lambda i: i.state == "revoked" or i.state)
accepted = call("user_management.send_invitation (to accept)", lambda: client.user_management.send_invitation(email=f"invitee2-{RUN}@example.com", organization_id=org.id), has("id"))
call("user_management.accept_invitation", lambda: client.user_management.accept_invitation(accepted.id), lambda i: i.state == "accepted" or i.state)
redirect_uri = call("user_management.create_redirect_uri", lambda: client.user_management.create_redirect_uri(uri=f"https://py-{RUN}.test/callback"), has("id"))
call("user_management.list_redirect_uris", lambda: client.user_management.list_redirect_uris(), at_least(1))
call("user_management.delete_redirect_uris", lambda: client.user_management.delete_redirect_uris(redirect_uri.id))
call("user_management.create_cors_origin", lambda: client.user_management.create_cors_origin(origin=f"https://py-{RUN}.test"), has("id"))
call("user_management.list_cors_origins", lambda: client.user_management.list_cors_origins(), at_least(1))
call("user_management.update_jwt_template", lambda: client.user_management.update_jwt_template(content='{"team": "{{ user.first_name }}"}'), has("content"))
call("user_management.list_jwt_template", lambda: client.user_management.list_jwt_template(), lambda t: "team" in t.content or t.content)
call("user_management.create_user_api_key", lambda: client.user_management.create_user_api_key(user.id, name="py", organization_id=org.id), has("id", "value"))
call("user_management.list_user_api_keys", lambda: client.user_management.list_user_api_keys(user.id), at_least(1))
call("user_management.get_jwks", lambda: client.user_management.get_jwks(CLIENT_ID), lambda j: len(j.keys) >= 1 or "no keys")
call("user_management.get_jwks_url", lambda: client.user_management.get_jwks_url(), lambda u: u.endswith(f"/sso/jwks/{CLIENT_ID}") or u)
call("user_management.list_user_authorized_applications", lambda: client.user_management.list_user_authorized_applications(user.id), lambda v: isinstance(items(v), list))
ada_sessions = call("user_management.list_sessions", lambda: client.user_management.list_sessions(signed_in.user.id), at_least(1))
call("user_management.revoke_session", lambda: client.user_management.revoke_session(session_id=items(ada_sessions)[0].id))

# Organization memberships, domains, API keys, feature flags, client tokens.
call("organization_membership.get_organization_membership", lambda: client.organization_membership.get_organization_membership(membership.id), lambda m: m.id == membership.id or "another membership")
call("organization_membership.update_organization_membership", lambda: client.organization_membership.update_organization_membership(membership.id, role={"role_slug": "member"}), has("id"))
call("organization_membership.deactivate_organization_membership", lambda: client.organization_membership.deactivate_organization_membership(membership.id), lambda m: m.status == "inactive" or m.status)
call("organization_membership.reactivate_organization_membership", lambda: client.organization_membership.reactivate_organization_membership(membership.id), lambda m: m.status == "active" or m.status)
call("organization_domains.get_organization_domain", lambda: client.organization_domains.get_organization_domain(domain.id), lambda d: d.id == domain.id or "another domain")
call("organization_domains.verify_organization_domain", lambda: client.organization_domains.verify_organization_domain(domain.id), has("state"))
call("organizations.get_audit_log_configuration", lambda: client.organizations.get_audit_log_configuration(org.id), has("retention_period_in_days"))
call("organizations.list_authorized_applications", lambda: client.organizations.list_authorized_applications(org.id), lambda v: isinstance(items(v), list))
call("api_keys.list_organization_api_keys", lambda: client.api_keys.list_organization_api_keys(org.id), at_least(1))
call("api_keys.delete_api_key", lambda: client.api_keys.delete_api_key(key.id))
call("feature_flags.enable_feature_flag", lambda: client.feature_flags.enable_feature_flag("new-billing"), lambda f: f.enabled is True or f.enabled)
call("feature_flags.add_flag_target", lambda: client.feature_flags.add_flag_target(org.id, "new-billing"))
call("feature_flags.list_organization_feature_flags", lambda: client.feature_flags.list_organization_feature_flags(org.id), at_least(1))
call("feature_flags.remove_flag_target", lambda: client.feature_flags.remove_flag_target(org.id, "new-billing"))
call("feature_flags.list_user_feature_flags", lambda: client.feature_flags.list_user_feature_flags(user.id), lambda v: isinstance(items(v), list))
call("feature_flags.disable_feature_flag", lambda: client.feature_flags.disable_feature_flag("new-billing"), lambda f: f.enabled is False or f.enabled)
call("client_api.create_token", lambda: client.client_api.create_token(organization_id=org.id, user_id=user.id), has("token"))

# Vault beyond the basics, webhook endpoints.
kv2 = call("vault.create_kv (to read)", lambda: client.vault.create_kv(key_context={"organization_id": org.id}, name=f"py-kv-{RUN}", value="v1"), has("id"))
call("vault.get_kv", lambda: client.vault.get_kv(kv2.id), lambda o: o.value == "v1" or o.value)
call("vault.get_name", lambda: client.vault.get_name(f"py-kv-{RUN}"), lambda o: o.id == kv2.id or "another object")
call("vault.update_kv", lambda: client.vault.update_kv(kv2.id, value="v2"), has("id"))
call("vault.list_kv_metadata", lambda: client.vault.list_kv_metadata(kv2.id), has("id"))
call("vault.list_kv_versions", lambda: client.vault.list_kv_versions(kv2.id), at_least(2))
data_key = call("vault.create_data_key", lambda: client.vault.create_data_key(context={"organization_id": org.id}), has("data_key", "encrypted_keys"))
call("vault.create_decrypt", lambda: client.vault.create_decrypt(keys=data_key.encrypted_keys), lambda d: d.data_key == data_key.data_key or "another key")
call("vault.create_rekey", lambda: client.vault.create_rekey(context={"organization_id": org.id}, encrypted_keys=data_key.encrypted_keys), has("encrypted_keys"))
endpoint = call("webhooks.create_webhook_endpoint", lambda: client.webhooks.create_webhook_endpoint(endpoint_url=f"https://py-{RUN}.test/hooks", events=["user.created"]), has("id"))
call("webhooks.list_webhook_endpoints", lambda: client.webhooks.list_webhook_endpoints(), at_least(1))
call("webhooks.update_webhook_endpoint", lambda: client.webhooks.update_webhook_endpoint(endpoint.id, status="disabled"), lambda e: e.status == "disabled" or e.status)
call("webhooks.delete_webhook_endpoint", lambda: client.webhooks.delete_webhook_endpoint(endpoint.id))

# AuthKit flows that stop for a step: email verification, organization selection, Radar
# challenges (by email and SMS); magic auth, PKCE, password reset, email change, logout.
def stopped_sign_in(settings, email, password, finish):
    """Signs in with `settings` seeded, expects the 403 that stops it, and finishes it."""
    emulator("POST", "/_emulator/seed", {"authentication": settings})
    try:
        client.user_management.authenticate_with_password(email=email, password=password)
    except workos.AuthorizationError as e:
        return finish(e)
    finally:
        emulator("POST", "/_emulator/seed", {"authentication": {}})
    raise AssertionError("signed in without the step")


def verify_email_step(e):
    if e.code != "email_verification_required":
        raise e
    return client.user_management.authenticate_with_email_verification(code=outbox(user.email, "email_verification")["code"], pending_authentication_token=e.pending_authentication_token)


user2 = call("user_management.create_user (to verify)", lambda: client.user_management.create_user(email=f"py2-{RUN}@example.com"), has("id"))
call("user_management.send_verification_email", lambda: client.user_management.send_verification_email(user2.id), lambda r: r.user.id == user2.id or "another user")


def last_event_id(kind):
    data = items(client.events.list_events(events=[kind]))[-1].data
    return data["id"] if isinstance(data, dict) else data.id


call("user_management.get_email_verification", lambda: client.user_management.get_email_verification(last_event_id("email_verification.created")), lambda v: v.user_id == user2.id or v.user_id)
call("user_management.verify_email", lambda: client.user_management.verify_email(user2.id, code=outbox(user2.email, "email_verification")["code"]), lambda r: r.user.email_verified is True or "not verified")
call("user_management.authenticate_with_email_verification", lambda: stopped_sign_in({"email_verification_required": True}, user.email, "py-long-password-1", verify_email_step), has("access_token"))
second_org = call("organizations.create_organization (a second)", lambda: client.organizations.create_organization(name=f"Python {RUN} B"), has("id"))
call("organization_membership.create_organization_membership (a second)", lambda: client.organization_membership.create_organization_membership(user_id=user.id, organization_id=second_org.id), has("id"))


def select_org_step(e):
    if e.code != "organization_selection_required":
        raise e
    return client.user_management.authenticate_with_organization_selection(pending_authentication_token=e.pending_authentication_token, organization_id=second_org.id)


call("user_management.authenticate_with_organization_selection", lambda: stopped_sign_in({"organization_selection_required": True}, user.email, "py-long-password-1", select_org_step), lambda r: r.organization_id == second_org.id or r.organization_id)


def radar_email_step(e):
    if e.code != "radar_challenge":
        raise e
    challenge_id = (e.response_json or {}).get("radar_challenge_id")
    challenge = client.user_management.get_radar_challenge(challenge_id)
    return client.user_management.authenticate_with_radar_email_challenge(code=challenge.code, radar_challenge_id=challenge_id, pending_authentication_token=e.pending_authentication_token)


call("user_management.get_radar_challenge + authenticate_with_radar_email_challenge", lambda: stopped_sign_in({"radar_challenge": "email"}, "ada@acme.test", "correct-horse-battery", radar_email_step), has("access_token"))


def radar_sms_step(e):
    body = e.response_json or {}  # the SDK maps no error class to radar_sms_sign_in_challenge: read the body
    if body.get("code") != "radar_sms_sign_in_challenge":
        raise e
    token = body["pending_authentication_token"]
    sent = client.user_management.create_radar_challenge(user_id=body["user"]["id"], pending_authentication_token=token, phone_number="+15555550123")
    return client.user_management.authenticate_with_radar_sms_challenge(code=outbox("+15555550123", "sms")["code"], verification_id=getattr(sent, "verification_id", None), phone_number="+15555550123", pending_authentication_token=token)


call("user_management.create_radar_challenge + authenticate_with_radar_sms_challenge", lambda: stopped_sign_in({"radar_challenge": "sms"}, "ada@acme.test", "correct-horse-battery", radar_sms_step), has("access_token"))
magic = call("user_management.create_magic_auth", lambda: client.user_management.create_magic_auth(email=user.email), has("id"))
call("user_management.get_magic_auth", lambda: client.user_management.get_magic_auth(magic.id), lambda m: m.id == magic.id or "another magic auth")
call("user_management.authenticate_with_magic_auth", lambda: client.user_management.authenticate_with_magic_auth(code=outbox(user.email, "magic_auth")["code"], email=user.email), lambda r: r.user.id == user.id or "another user")


def pkce_sign_in():
    started = client.user_management.get_authorization_url_with_pkce(redirect_uri="https://app.test/cb", provider="authkit", login_hint="ada@acme.test")
    return client.user_management.authenticate_with_code_pkce(code=redirect_code(started["url"]), code_verifier=started["code_verifier"])


call("user_management.get_authorization_url_with_pkce + authenticate_with_code_pkce", pkce_sign_in, has("access_token"))


def sso_pkce():
    started = client.sso.get_authorization_url_with_pkce(redirect_uri="https://app.test/sso", connection=connection.id, login_hint="ada@acme.test")
    return client.sso.get_profile_and_token_pkce(code=redirect_code(started["url"]), code_verifier=started["code_verifier"])


call("sso.get_authorization_url_with_pkce + get_profile_and_token_pkce", sso_pkce, lambda r: r.profile.email == "ada@acme.test" or r.profile.email)
logout = call("sso.authorize_logout", lambda: client.sso.authorize_logout(profile_id=sso.profile.id), has("logout_token"))
call("sso.get_logout_url", lambda: client.sso.get_logout_url(token=logout.logout_token), lambda u: u.startswith(BASE) or u)
reset = call("user_management.reset_password", lambda: client.user_management.reset_password(email=user.email), has("id"))
call("user_management.get_password_reset", lambda: client.user_management.get_password_reset(reset.id), lambda r: r.id == reset.id or "another reset")
call("user_management.confirm_password_reset", lambda: client.user_management.confirm_password_reset(token=reset.password_reset_token, new_password="py-new-password-2"), lambda r: r.user.id == user.id or "another user")
new_email = f"py-new-{RUN}@example.com"
call("user_management.send_email_change", lambda: client.user_management.send_email_change(user.id, new_email=new_email), has("new_email"))
call("user_management.confirm_email_change", lambda: client.user_management.confirm_email_change(user.id, code=outbox(new_email, "email_change")["code"]), lambda r: r.user.email == new_email or r.user.email)

# Authorization beyond the basics: permissions, environment and organization roles, resources,
# role assignments on resources, checks.
perm = f"py:read-{RUN}"
call("authorization.get_permission", lambda: client.authorization.get_permission(perm), lambda p: p.slug == perm or p.slug)
call("authorization.update_permission", lambda: client.authorization.update_permission(perm, name="Read docs"), lambda p: p.name == "Read docs" or p.name)
env_role = f"py-reader-{RUN}"
call("authorization.get_environment_role", lambda: client.authorization.get_environment_role(env_role), lambda r: r.slug == env_role or r.slug)
call("authorization.list_environment_roles", lambda: client.authorization.list_environment_roles(), at_least(1))
call("authorization.update_environment_role", lambda: client.authorization.update_environment_role(env_role, name="Readers"), lambda r: r.name == "Readers" or r.name)
call("authorization.add_environment_role_permission", lambda: client.authorization.add_environment_role_permission(env_role, body_slug=perm), lambda r: perm in r.permissions or r.permissions)
call("authorization.set_environment_role_permissions", lambda: client.authorization.set_environment_role_permissions(env_role, permissions=[]), lambda r: r.permissions == [] or r.permissions)
call("authorization.get_organization_role", lambda: client.authorization.get_organization_role(org.id, role.slug), lambda r: r.slug == role.slug or r.slug)
call("authorization.list_organization_roles", lambda: client.authorization.list_organization_roles(org.id), at_least(1))
call("authorization.update_organization_role", lambda: client.authorization.update_organization_role(org.id, role.slug, name="Py editors"), lambda r: r.name == "Py editors" or r.name)
call("authorization.add_organization_role_permission", lambda: client.authorization.add_organization_role_permission(org.id, role.slug, body_slug=perm), lambda r: perm in r.permissions or r.permissions)
call("authorization.remove_organization_role_permission", lambda: client.authorization.remove_organization_role_permission(org.id, role.slug, perm))
call("authorization.set_organization_role_permissions", lambda: client.authorization.set_organization_role_permissions(org.id, role.slug, permissions=[perm]), lambda r: r.permissions == [perm] or r.permissions)
doc_ext = f"doc-{RUN}"
org_root = items(call("authorization.list_resources (the organization's own)", lambda: client.authorization.list_resources(organization_id=org.id, resource_type_slug="organization"), at_least(1)))[0]
res = call("authorization.create_resource", lambda: client.authorization.create_resource(external_id=doc_ext, name="Doc", resource_type_slug="document", organization_id=org.id, parent_resource=ParentResourceById(parent_resource_id=org_root.id)), lambda r: r.parent_resource_id == org_root.id or r.parent_resource_id)
call("authorization.get_resource", lambda: client.authorization.get_resource(res.id), lambda r: r.external_id == doc_ext or r.external_id)
call("authorization.get_resource_by_external_id", lambda: client.authorization.get_resource_by_external_id(org.id, "document", doc_ext), lambda r: r.id == res.id or "another resource")
call("authorization.list_resources", lambda: client.authorization.list_resources(organization_id=org.id), at_least(1))
call("authorization.update_resource", lambda: client.authorization.update_resource(res.id, name="Doc 2"), lambda r: r.name == "Doc 2" or r.name)
call("authorization.update_resource_by_external_id", lambda: client.authorization.update_resource_by_external_id(org.id, "document", doc_ext, name="Doc 3"), lambda r: r.name == "Doc 3" or r.name)
assigned = call("authorization.assign_role", lambda: client.authorization.assign_role(membership.id, role_slug=role.slug, resource_target=ResourceTargetById(resource_id=res.id)), has("id"))
call("authorization.list_role_assignments", lambda: client.authorization.list_role_assignments(membership.id), at_least(1))
call("authorization.list_role_assignments_for_resource", lambda: client.authorization.list_role_assignments_for_resource(res.id), at_least(1))
call("authorization.list_role_assignments_for_resource_by_external_id", lambda: client.authorization.list_role_assignments_for_resource_by_external_id(org.id, "document", doc_ext), at_least(1))
call("authorization.check", lambda: client.authorization.check(membership.id, permission_slug=perm, resource_target=ResourceTargetById(resource_id=res.id)), lambda c: c.authorized is True or "not authorized")
call("authorization.list_effective_permissions", lambda: client.authorization.list_effective_permissions(membership.id, res.id), at_least(1))
call("authorization.list_effective_permissions_by_external_id", lambda: client.authorization.list_effective_permissions_by_external_id(membership.id, "document", doc_ext), at_least(1))
call("authorization.list_memberships_for_resource", lambda: client.authorization.list_memberships_for_resource(res.id, permission_slug=perm), at_least(1))
call("authorization.list_memberships_for_resource_by_external_id", lambda: client.authorization.list_memberships_for_resource_by_external_id(org.id, "document", doc_ext, permission_slug=perm), at_least(1))
call("authorization.list_resources_for_membership", lambda: client.authorization.list_resources_for_membership(membership.id, permission_slug=perm, parent_resource=ParentResourceById(parent_resource_id=org_root.id)), lambda v: any(r.id == res.id for r in items(v)) or "the document is missing")
call("authorization.remove_role_assignment", lambda: client.authorization.remove_role_assignment(membership.id, assigned.id))
call("authorization.assign_role (by external id)", lambda: client.authorization.assign_role(membership.id, role_slug=role.slug, resource_target=ResourceTargetByExternalId(resource_external_id=doc_ext, resource_type_slug="document")), has("id"))
call("authorization.remove_role", lambda: client.authorization.remove_role(membership.id, role_slug=role.slug, resource_target=ResourceTargetByExternalId(resource_external_id=doc_ext, resource_type_slug="document")))
call("authorization.delete_resource_by_external_id", lambda: client.authorization.delete_resource_by_external_id(org.id, "document", doc_ext))
res2 = call("authorization.create_resource (to delete)", lambda: client.authorization.create_resource(external_id=f"doc2-{RUN}", name="Doc", resource_type_slug="document", organization_id=org.id), has("id"))
call("authorization.delete_resource", lambda: client.authorization.delete_resource(res2.id))
call("authorization.delete_organization_role", lambda: client.authorization.delete_organization_role(org.id, role.slug))
call("authorization.delete_permission", lambda: client.authorization.delete_permission(perm))

# Audit logs.
call("audit_logs.create_schema", lambda: client.audit_logs.create_schema(f"py.signed_in_{RUN}", targets=[AuditLogSchemaTargetInput(type="team")]), has("version"))
call("audit_logs.list_actions", lambda: client.audit_logs.list_actions(), lambda v: any(a.name == f"py.signed_in_{RUN}" for a in items(v)) or "the action is missing")
call("audit_logs.list_action_schemas", lambda: client.audit_logs.list_action_schemas(f"py.signed_in_{RUN}"), at_least(1))
audit_event = AuditLogEvent(action=f"py.signed_in_{RUN}", occurred_at=datetime.now(timezone.utc), actor=AuditLogEventActor(id=user.id, type="user"), targets=[AuditLogEventActor(id="team_1", type="team")], context=AuditLogEventContext(location="198.51.100.7", user_agent="python"))
call("audit_logs.create_event", lambda: client.audit_logs.create_event(organization_id=org.id, event=audit_event), lambda r: r.success is True or repr(r))
export = call("audit_logs.create_export", lambda: client.audit_logs.create_export(organization_id=org.id, range_start="2000-01-01T00:00:00Z", range_end="2100-01-01T00:00:00Z"), has("id"))
call("audit_logs.get_export", lambda: client.audit_logs.get_export(export.id), lambda e: e.id == export.id or "another export")
call("audit_logs.update_organization_audit_logs_retention", lambda: client.audit_logs.update_organization_audit_logs_retention(org.id, retention=RetentionPeriodInDays(retention_period_in_days=30)), lambda r: r.retention_period_in_days == 30 or r.retention_period_in_days)
call("audit_logs.get_organization_audit_logs_retention", lambda: client.audit_logs.get_organization_audit_logs_retention(org.id), lambda r: r.retention_period_in_days == 30 or r.retention_period_in_days)

# Connect: M2M applications, standalone Connect's external authentication, authorized apps.
call("connect.create_m2m_application", lambda: client.connect.create_m2m_application(name="Py M2M", organization_id=org.id, scopes=["read"]), lambda a: a.application_type == "m2m" or a.application_type)
bot = call("connect.create_application", lambda: client.connect.create_application(body=CreateOAuthApplication(name="Py bot", application_type="oauth", is_first_party=False, organization_id=org.id, redirect_uris=[RedirectUriInput(uri="https://bot.test/cb", default=True)], scopes=["read"])), has("client_id"))


def complete_external_auth():
    started = emulator("POST", "/_emulator/connect/external_auth", {"client_id": bot.client_id, "redirect_uri": "https://bot.test/cb", "scopes": ["read"], "state": "s1"})
    return client.connect.complete_oauth2(external_auth_id=started["external_auth_id"], user=UserObject(id=f"ext-{RUN}", email=f"ext-{RUN}@example.com"))


completed = call("connect.complete_oauth2", complete_external_auth, lambda r: r.redirect_uri.startswith("https://bot.test/cb") or r.redirect_uri)
ext_user = call("user_management.get_user_by_external_id (the consenting user)", lambda: client.user_management.get_user_by_external_id(f"ext-{RUN}"), has("id"))
call("user_management.list_user_authorized_applications (after consent)", lambda: client.user_management.list_user_authorized_applications(ext_user.id), at_least(1))
call("user_management.delete_user_authorized_application", lambda: client.user_management.delete_user_authorized_application(bot.id, ext_user.id))

# Agents claimed by the service's user.
claim = emulator("POST", "/_emulator/agents/registrations", {"organization_id": org.id})
call("agents.update_attempts", lambda: client.agents.update_attempts(type="link_external_user", claim_attempt_token=claim["claim_attempt_token"], user=AgentUser(email=f"owner-{RUN}@example.com", external_id=f"owner-{RUN}"), organization_id=org.id), lambda c: c.user_code == claim["user_code"] or c.user_code)
call("agents.get_registration (claimed)", lambda: client.agents.get_registration(claim["registration_id"]), lambda r: r.status == "verified" or r.status)

# Sessions: the generic authenticate operation, a sealed session, logout.
call("user_management.create_authenticate", lambda: client.user_management.create_authenticate(body=PasswordSessionAuthenticateRequest(client_id=CLIENT_ID, client_secret=API_KEY, grant_type="password", email="ada@acme.test", password="correct-horse-battery")), has("access_token"))


def logout_redirect():
    signed = client.user_management.authenticate_with_password(email="ada@acme.test", password="correct-horse-battery")
    sid = json.loads(base64.urlsafe_b64decode(signed.access_token.split(".")[1] + "=="))["sid"]
    url = client.user_management.get_logout_url(session_id=sid, return_to="https://app.test/bye")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(url)
    except urllib.error.HTTPError as e:
        return e.code == 302 and e.headers["location"] == "https://app.test/bye" or f"{e.code} {e.headers['location']}"
    return "no redirect"


call("user_management.get_logout_url (followed)", logout_redirect, lambda v: v is True or v)

def sealed_session():
    """A session sealed into a cookie as the SDK's AuthKit helpers do: returns the cookie and its key."""
    key = base64.urlsafe_b64encode(hashlib.sha256(RUN.encode()).digest()).decode()  # a Fernet key
    signed = client.user_management.authenticate_with_password(email="ada@acme.test", password="correct-horse-battery")
    user_dict = signed.user.to_dict() if hasattr(signed.user, "to_dict") else vars(signed.user)
    return seal_session_from_auth_response(access_token=signed.access_token, refresh_token=signed.refresh_token, user=user_dict, cookie_password=key), key


call("user_management.authenticate_with_session_cookie (JWKS)", lambda: client.user_management.authenticate_with_session_cookie(session_data=(s := sealed_session())[0], cookie_password=s[1]), lambda r: r.authenticated is True or repr(r))
call("user_management.load_sealed_session + refresh", lambda: client.user_management.load_sealed_session(session_data=(s := sealed_session())[0], cookie_password=s[1]).refresh(), lambda r: r.authenticated is True or repr(r))

# Events, and clean-up calls.
call("events.list_events", lambda: client.events.list_events(events=["organization.created", "user.created"]), at_least(2))
call("directory_sync.delete_directory", lambda: client.directory_sync.delete_directory(directory.id))
call("organization_domains.delete_organization_domain", lambda: client.organization_domains.delete_organization_domain(domain.id))
call("organization_membership.delete_organization_membership", lambda: client.organization_membership.delete_organization_membership(membership.id))
call("user_management.delete_user", lambda: client.user_management.delete_user(user.id))
call("organizations.delete_organization", lambda: client.organizations.delete_organization(org.id))

server.terminate()
server.wait()
failed = [r for r in results if r[1]]
for name, error in results:
    print(f"{'FAIL' if error else 'ok  '} {name}{': ' + error if error else ''}")
print(f"\n{len(results) - len(failed)} of {len(results)} Python SDK calls succeeded against the emulator.")
sys.exit(1 if failed else 0)
