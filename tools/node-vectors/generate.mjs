// Produces workos-api/tests/fixtures/node-vectors.json with the official Node SDK, so that
// workos-api's webhook verification, PKCE, sealed sessions, Vault envelopes and Actions are
// checked against it byte for byte. Run from this folder: `npm ci && node generate.mjs` (needs
// cargo for the Rust side). `node generate.mjs actions` rewrites only the `actions` section
// (deterministic, no cargo) and keeps the other sections of the committed file as they are
// (their sessions and envelopes are random, so a full run changes them).
// cargo test does not run this; it reads the committed JSON.
import { WorkOS } from '@workos-inc/node';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';

const sdk = JSON.parse(readFileSync(new URL('./node_modules/@workos-inc/node/package.json', import.meta.url)));
const target = new URL('../../workos-api/tests/fixtures/node-vectors.json', import.meta.url);

// Actions: requests signed by the SDK (as WorkOS signs them) that its constructAction accepts,
// altered ones it refuses, and responses made by its signResponse. Date.now is pinned meanwhile,
// so every byte is reproducible: Rust verifies at `now_ms` and signs at each `timestamp_ms`.
async function actionVectors(workos) {
  const secret = 'action_secret_node_vectors_0123456789';
  const nowMs = 1768478400000;
  const realNow = Date.now;
  Date.now = () => nowMs;
  try {
    const user = {
      object: 'user', id: 'user_01', email: 'grace@example.com', email_verified: true,
      profile_picture_url: null, name: 'Grace Hopper', first_name: 'Grace', last_name: 'Hopper',
      last_sign_in_at: '2026-01-14T09:30:00.000Z', locale: 'en-US', external_id: 'ext_user_01',
      metadata: { team: 'compilers' },
      created_at: '2026-01-01T12:00:00.000Z', updated_at: '2026-01-15T12:00:00.000Z',
    };
    const organization = {
      object: 'organization', id: 'org_01', name: 'Acme', allow_profiles_outside_organization: false,
      domains: [{ object: 'organization_domain', id: 'org_domain_01', domain: 'acme.example', organization_id: 'org_01',
        state: 'verified', verification_strategy: 'dns', verification_token: 'tok_dns_01',
        created_at: '2026-01-01T12:00:00.000Z', updated_at: '2026-01-01T12:00:00.000Z' }],
      stripe_customer_id: 'cus_01', external_id: null, metadata: {},
      created_at: '2026-01-01T12:00:00.000Z', updated_at: '2026-01-15T12:00:00.000Z',
    };
    const payloads = [
      { id: 'action_01', object: 'authentication_action_context', user, organization,
        organization_membership: { object: 'organization_membership', id: 'om_01', user_id: 'user_01',
          organization_id: 'org_01', organization_name: 'Acme', status: 'active', directory_managed: false,
          role: { slug: 'admin' }, roles: [{ slug: 'admin' }, { slug: 'billing' }], custom_attributes: { cost_center: 42 },
          created_at: '2026-01-01T12:00:00.000Z', updated_at: '2026-01-15T12:00:00.000Z' },
        authentication_method: 'Password', ip_address: '192.0.2.10', user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
        device_fingerprint: 'fp_01', issuer: 'https://auth.acme.example' },
      // The least an authentication carries, plus a field this SDK does not know.
      { id: 'action_02', object: 'authentication_action_context',
        user: { ...user, id: 'user_02', name: null, first_name: null, last_name: null, last_sign_in_at: null,
          locale: null, external_id: undefined, metadata: undefined },
        authentication_method: 'GoogleOAuth', radar: { verdict: 'allow' } },
      { id: 'action_03', object: 'user_registration_action_context',
        user_data: { object: 'user_data', email: 'ada@acme.example', name: 'Ada Lovelace', first_name: 'Ada', last_name: 'Lovelace' },
        invitation: { object: 'invitation', id: 'invitation_01', email: 'ada@acme.example', state: 'pending',
          accepted_at: null, revoked_at: null, expires_at: '2026-01-22T12:00:00.000Z', organization_id: 'org_01',
          inviter_user_id: 'user_01', accepted_user_id: null, role_slug: 'member', token: 'inv_token_node_vectors',
          accept_invitation_url: 'https://auth.acme.example/invite?invitation_token=inv_token_node_vectors',
          created_at: '2026-01-15T12:00:00.000Z', updated_at: '2026-01-15T12:00:00.000Z' },
        authentication_method: 'MagicAuth', ip_address: '2001:db8::1', user_agent: 'curl/8.5.0', device_fingerprint: 'fp_03' },
      { id: 'action_04', object: 'user_registration_action_context',
        user_data: { object: 'user_data', email: 'linus@gmail.example', name: null, first_name: 'Linus', last_name: 'T\u00f6rvalds' } },
      // A kind this SDK does not know: it verifies, and constructAction returns nothing for it.
      { id: 'action_05', object: 'password_reset_action_context', user_id: 'user_01', ip_address: '192.0.2.50' },
    ];
    const requests = [];
    for (const [i, action] of payloads.entries()) {
      const payload = JSON.stringify(action);
      const timestamp = nowMs - 5000 + i * 1000;
      const header = `t=${timestamp}, v1=${await workos.webhooks.computeSignature(timestamp, payload, secret)}`;
      // The SDK's own reading (Dates as ISO strings); `null` for a kind it does not know.
      const read = await workos.actions.constructAction({ payload, sigHeader: header, secret });
      requests.push({ payload, header, node_action: read === undefined ? null : JSON.parse(JSON.stringify(read)) });
    }

    // Requests the SDK refuses, and the check workos-api must name.
    const tampered = [];
    const refuse = async (name, expect, payload, header) => {
      let nodeError = null;
      try {
        await workos.actions.constructAction({ payload, sigHeader: header, secret });
      } catch (e) {
        nodeError = e.message;
      }
      if (nodeError === null) throw new Error(`the SDK accepted the ${name} request`);
      tampered.push({ name, expect, payload, header, node_error: nodeError });
    };
    const [{ payload, header }] = requests;
    const signAt = async (ms, body = payload, key = secret) => `t=${ms}, v1=${await workos.webhooks.computeSignature(ms, body, key)}`;
    await refuse('body changed after signing', 'bad_signature', payload.replace('192.0.2.10', '192.0.2.11'), header);
    await refuse('signed with another secret', 'bad_signature', payload, await signAt(nowMs, payload, 'another_secret'));
    await refuse('signature of another timestamp', 'bad_signature', payload, header.replace(/^t=\d+/, `t=${nowMs}`));
    await refuse('signed 31 s ago', 'stale', payload, await signAt(nowMs - 31000));
    await refuse('signed 31 s ahead', 'from_the_future', payload, await signAt(nowMs + 31000));
    await refuse('no v1= entry', 'malformed_header', payload, `t=${nowMs}`);
    await refuse('timestamp not digits', 'malformed_header', payload, header.replace(/^t=\d+/, 't=soon'));

    // Responses, as the endpoint sends them (JSON.stringify of signResponse's object).
    const responses = [];
    const answers = [
      { type: 'authentication', verdict: 'Allow' },
      { type: 'authentication', verdict: 'Deny', errorMessage: 'Sign-ins from this network are blocked.' },
      { type: 'user_registration', verdict: 'Allow' },
      { type: 'user_registration', verdict: 'Deny',
        errorMessage: 'Use a work address \u2014 "gmail.example" isn\'t allowed.\n\t\u0001 </script> \\ caf\u00e9 \u2713 \u{1F6AB}' },
      { type: 'user_registration', verdict: 'Deny', errorMessage: '' },
      { type: 'authentication', verdict: 'Deny' },
    ];
    for (const [i, data] of answers.entries()) {
      const timestamp = nowMs + i;
      Date.now = () => timestamp;
      const response = await workos.actions.signResponse(data, secret);
      responses.push({ type: data.type, verdict: data.verdict, error_message: data.errorMessage ?? null,
        timestamp_ms: timestamp, json: JSON.stringify(response) });
    }
    return { secret, now_ms: nowMs, tolerance_ms: 30000, requests, tampered, responses };
  } finally {
    Date.now = realNow;
  }
}

if (process.argv[2] === 'actions') {
  const out = JSON.parse(readFileSync(target, 'utf8'));
  out.actions = await actionVectors(new WorkOS('sk_test_vectors'));
  writeFileSync(target, JSON.stringify(out, null, 2) + '\n');
  const { requests, tampered, responses } = out.actions;
  console.log(`wrote the actions of ${target.pathname}: ${requests.length} requests, ${tampered.length} refused, ${responses.length} responses`);
  process.exit(0);
}

const out = { generator: `@workos-inc/node ${sdk.version}`, webhooks: [], pkce: [], node_sealed: [], rust_sealed: [], node_vault: [], rust_vault: [] };

// A stand-in for WorkOS: answers the code exchange with a fixed user, so the SDK seals a session.
const user = {
  object: 'user', id: 'user_01', email: 'grace@example.com', email_verified: true,
  first_name: 'Grace', last_name: 'Hopper', profile_picture_url: null, last_sign_in_at: null,
  external_id: null, metadata: {}, locale: null,
  created_at: '2026-01-15T12:00:00.000Z', updated_at: '2026-01-15T12:00:00.000Z',
};
// A well-formed JWT (the SDK reads `org_id` from it without verifying).
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const accessToken = `${b64({ alg: 'RS256', kid: 'node' })}.${b64({ sub: 'user_01', sid: 'session_01', org_id: 'org_01' })}.c2ln`;
// Vault data keys the stand-in hands out and unwraps: encrypted_keys (base64) -> data key (base64).
const vaultKeys = {
  [Buffer.from('wrapped-by-node-stand-in').toString('base64')]: Buffer.alloc(32, 0x5a).toString('base64'),
  [Buffer.from('wrapped-for-rust-vectors').toString('base64')]: Buffer.alloc(32, 0x3c).toString('base64'),
};
const [nodeWrapped] = Object.keys(vaultKeys);
const server = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    if (req.url === '/vault/v1/keys/data-key') {
      const { context } = JSON.parse(body);
      res.end(JSON.stringify({ id: 'dk_01', data_key: vaultKeys[nodeWrapped], encrypted_keys: nodeWrapped, context }));
    } else if (req.url === '/vault/v1/keys/decrypt') {
      const { keys } = JSON.parse(body);
      res.end(JSON.stringify({ id: 'dk_01', data_key: vaultKeys[keys] }));
    } else {
      res.end(JSON.stringify({
        user, organization_id: 'org_01', access_token: accessToken, refresh_token: 'refresh_from_node',
        authentication_method: 'Password',
      }));
    }
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const workos = new WorkOS('sk_test_vectors', {
  clientId: 'client_vectors', apiHostname: '127.0.0.1', port: server.address().port, https: false,
});

// Webhooks: signed by the SDK, and accepted by its own verifier.
const secret = 'whsec_node_vectors_0123456789';
const payloads = [
  { id: 'event_01', object: 'event', event: 'organization.created', created_at: '2026-01-15T12:00:00.000Z',
    data: { object: 'organization', id: 'org_01', name: 'Acme', allow_profiles_outside_organization: false,
      domains: [], external_id: null, metadata: {}, stripe_customer_id: null,
      created_at: '2026-01-15T12:00:00.000Z', updated_at: '2026-01-15T12:00:00.000Z' } },
  { id: 'event_02', object: 'event', event: 'role.created', created_at: '2026-01-15T12:00:01.000Z',
    data: { object: 'role', slug: 'admin', resource_type_slug: 'organization', permissions: ['posts:read', 'posts:write'],
      created_at: '2026-01-15T12:00:00.000Z', updated_at: '2026-01-15T12:00:00.000Z' } },
  { id: 'event_03', object: 'event', event: 'brand_new.event', created_at: '2026-01-15T12:00:02.000Z',
    data: { anything: [1, 2, 3] } },
  // WorkOS's documented payload shape: no `object` on the event (the Node SDK never reads it).
  { id: 'event_04', event: 'role.created',
    data: { object: 'role', slug: 'billing', resource_type_slug: 'organization', permissions: ['invoices:read'],
      created_at: '2026-01-15T12:00:00.000Z', updated_at: '2026-01-15T12:00:00.000Z' },
    created_at: '2026-01-15T12:00:03.000Z',
    context: { actor: { id: 'user_01', source: 'dashboard', name: 'Grace Hopper' } } },
  { id: 'event_05', event: 'organization.created', created_at: '2026-01-15T12:00:04.000Z',
    data: { object: 'organization', id: 'org_02', name: 'Globex', allow_profiles_outside_organization: false,
      domains: [], external_id: null, metadata: {}, stripe_customer_id: null,
      created_at: '2026-01-15T12:00:00.000Z', updated_at: '2026-01-15T12:00:00.000Z' } },
];
for (const [i, event] of payloads.entries()) {
  const payload = JSON.stringify(event);
  const timestamp = 1768478400000 + i * 1000;
  const signature = await workos.webhooks.computeSignature(timestamp, payload, secret);
  const header = `t=${timestamp}, v1=${signature}`;
  await workos.webhooks.verifyHeader({ payload, sigHeader: header, secret, tolerance: Date.now() });
  // What the SDK's constructEvent reads from the same bytes.
  const read = await workos.webhooks.constructEvent({ payload, sigHeader: header, secret, tolerance: Date.now() });
  const node_event = { id: read.id, event: read.event, created_at: read.createdAt.toISOString() };
  out.webhooks.push({ secret, timestamp_ms: timestamp, payload, header, node_event });
}

// PKCE: the SDK's challenge of a verifier.
for (const verifier of ['dBjftJeZ4CK-nmiA1tNiOWr8EnqGcmYEQtEd3hWn6V8', workos.pkce.generateCodeVerifier(64)]) {
  out.pkce.push({ verifier, challenge: await workos.pkce.generateCodeChallenge(verifier) });
}

// Node -> Rust: sessions sealed by the SDK's code exchange.
for (const cookiePassword of ['a-cookie-password-of-at-least-32-chars', 'another-node-password-of-32-characters']) {
  const answer = await workos.userManagement.authenticateWithCode({
    clientId: 'client_vectors', code: 'code_01', session: { sealSession: true, cookiePassword },
  });
  const unsealed = await workos.userManagement.getSessionFromCookie({ sessionData: answer.sealedSession, cookiePassword });
  out.node_sealed.push({ password: cookiePassword, sealed: answer.sealedSession, data: unsealed });
}

// Rust -> Node: cookies sealed by workos-api (fixed salts and IVs), unsealed by the SDK.
const rust = JSON.parse(execFileSync('cargo', ['run', '-q', '-p', 'workos-api', '--example', 'seal_vectors'], {
  cwd: new URL('../..', import.meta.url), encoding: 'utf8',
}));
for (const vector of rust) {
  const nodeUnsealed = await workos.userManagement.getSessionFromCookie({ sessionData: vector.sealed, cookiePassword: vector.password });
  out.rust_sealed.push({ ...vector, node_unsealed: nodeUnsealed });
}

// Vault local encryption, Node -> Rust: envelopes the SDK made with a data key from the stand-in.
for (const [plaintext, aad] of [['4111 1111 1111 1111', 'user_01'], ['h\u00e9llo w\u00f6rld \u2713', undefined], ['', 'empty']]) {
  const envelope = await workos.vault.encrypt(plaintext, { organization_id: 'org_01' }, aad);
  out.node_vault.push({ plaintext, aad: aad ?? null, data_key: vaultKeys[nodeWrapped], encrypted_keys: nodeWrapped, envelope });
}

// Rust -> Node: envelopes workos-api sealed (fixed nonces), opened by the SDK.
const rustVault = JSON.parse(execFileSync('cargo', ['run', '-q', '-p', 'workos-api', '--example', 'vault_vectors'], {
  cwd: new URL('../..', import.meta.url), encoding: 'utf8',
}));
for (const vector of rustVault) {
  const nodeDecrypted = await workos.vault.decrypt(vector.envelope, vector.aad ?? undefined);
  out.rust_vault.push({ ...vector, node_decrypted: nodeDecrypted });
}

server.close();
out.actions = await actionVectors(workos);
writeFileSync(target, JSON.stringify(out, null, 2) + '\n');
console.log(`wrote ${target.pathname}: ${out.webhooks.length} webhooks, ${out.pkce.length} PKCE, ${out.node_sealed.length} + ${out.rust_sealed.length} sessions, ${out.node_vault.length} + ${out.rust_vault.length} vault envelopes, ${out.actions.requests.length} + ${out.actions.responses.length} actions`);
