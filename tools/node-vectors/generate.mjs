// Produces workos-api/tests/fixtures/node-vectors.json with the official Node SDK, so that
// workos-api's webhook verification, PKCE, sealed sessions and Vault envelopes are checked
// against it byte for byte. Run from this folder: `npm ci && node generate.mjs` (needs cargo for the Rust side).
// cargo test does not run this; it reads the committed JSON.
import { WorkOS } from '@workos-inc/node';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';

const sdk = JSON.parse(readFileSync(new URL('./node_modules/@workos-inc/node/package.json', import.meta.url)));
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
const target = new URL('../../workos-api/tests/fixtures/node-vectors.json', import.meta.url);
writeFileSync(target, JSON.stringify(out, null, 2) + '\n');
console.log(`wrote ${target.pathname}: ${out.webhooks.length} webhooks, ${out.pkce.length} PKCE, ${out.node_sealed.length} + ${out.rust_sealed.length} sessions, ${out.node_vault.length} + ${out.rust_vault.length} vault envelopes`);
