// Drives the official Node SDK (@workos-inc/node, a client nobody here wrote) end to end against
// the emulator binary: every SDK call whose endpoint the emulator serves, in order, each checked
// for a result of the right shape. Prints one line per call and exits 1 if any failed.
//
//   cargo build -p workos-emulator --bin workos-emulator
//   cd tools/node-vectors && npm ci && node emulator-check.mjs ../../target/debug/workos-emulator
//
// `.ci/run` runs it when Node is installed. `cargo test` does not (it needs npm packages).

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { WorkOS } from '@workos-inc/node';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = process.argv[2] ?? path.join(here, '../../target/debug/workos-emulator');
const seed = path.join(here, '../../emulator/fixtures/seed.yaml');
const apiKey = 'sk_test_node_sdk';

const server = spawn(bin, ['--port', '0', '--api-key', apiKey, '--seed', seed], {
  stdio: ['ignore', 'ignore', 'pipe'],
});
const banner = await new Promise((resolve, reject) => {
  let text = '';
  server.stderr.on('data', (chunk) => {
    text += chunk;
    const match = text.match(/listening on (http:\/\/[^\s]+)/);
    if (match) resolve(match[1]);
  });
  server.on('exit', (code) => reject(new Error(`the emulator exited (${code}): ${text}`)));
});
const url = new URL(banner);
const workos = new WorkOS(apiKey, {
  apiHostname: url.hostname,
  port: Number(url.port),
  https: false,
  clientId: 'client_node_sdk',
});

const results = [];
async function call(name, run, check = () => true) {
  try {
    const value = await run();
    const verdict = check(value);
    if (verdict !== true) throw new Error(typeof verdict === 'string' ? verdict : 'unexpected result');
    results.push({ name, ok: true });
    return value;
  } catch (error) {
    results.push({ name, ok: false, error: `${error.message}${error.requestID ? ` (request ${error.requestID})` : ''}` });
    return undefined;
  }
}
const has = (fields) => (v) => fields.every((f) => v && v[f] !== undefined) || `missing one of ${fields.join(', ')}`;
const list = (min) => (v) => (v && Array.isArray(v.data) && v.data.length >= min) || `fewer than ${min} items`;

const authz = workos.authorization;
const um = workos.userManagement;
const run = Date.now().toString(36);

// Authorization: permissions and environment roles.
await call('authorization.createPermission', () => authz.createPermission({ slug: `docs:read-${run}`, name: 'Read docs' }), has(['id', 'slug']));
await call('authorization.listPermissions', () => authz.listPermissions(), list(1));
await call('authorization.getPermission', () => authz.getPermission(`docs:read-${run}`), has(['slug']));
await call('authorization.updatePermission', () => authz.updatePermission(`docs:read-${run}`, { name: 'Read documents' }), (p) => p.name === 'Read documents' || 'name not updated');
await call('authorization.createEnvironmentRole', () => authz.createEnvironmentRole({ slug: `reader-${run}`, name: 'Reader' }), has(['slug']));
await call('authorization.listEnvironmentRoles', () => authz.listEnvironmentRoles(), list(1));
await call('authorization.getEnvironmentRole', () => authz.getEnvironmentRole(`reader-${run}`), has(['slug']));
await call('authorization.updateEnvironmentRole', () => authz.updateEnvironmentRole(`reader-${run}`, { name: 'Readers' }), has(['slug']));
await call('authorization.addEnvironmentRolePermission', () => authz.addEnvironmentRolePermission(`reader-${run}`, { permissionSlug: `docs:read-${run}` }), has(['slug']));
await call('authorization.setEnvironmentRolePermissions', () => authz.setEnvironmentRolePermissions(`reader-${run}`, { permissions: [`docs:read-${run}`] }), has(['slug']));

// Organizations and their domains.
const org = await call('organizations.createOrganization', () => workos.organizations.createOrganization({ name: `Node ${run}`, externalId: `node-${run}` }), has(['id', 'name']));
await call('organizations.getOrganization', () => workos.organizations.getOrganization(org.id), has(['id']));
await call('organizations.getOrganizationByExternalId', () => workos.organizations.getOrganizationByExternalId(`node-${run}`), (o) => o.id === org.id || 'another organization');
await call('organizations.listOrganizations', () => workos.organizations.listOrganizations(), list(1));
await call('organizations.updateOrganization', () => workos.organizations.updateOrganization({ organization: org.id, name: `Node ${run} Inc` }), (o) => o.name === `Node ${run} Inc` || 'name not updated');
const domain = await call('organizationDomains.createOrganizationDomain', () => workos.organizationDomains.createOrganizationDomain({ organizationId: org.id, domain: `node-${run}.test` }), has(['id', 'state']));
await call('organizationDomains.getOrganizationDomain', () => workos.organizationDomains.getOrganizationDomain(domain.id), has(['id']));
await call('organizationDomains.verifyOrganizationDomain', () => workos.organizationDomains.verifyOrganizationDomain(domain.id), (d) => d.state === 'verified' || `state ${d.state}`);
await call('organizationDomains.deleteOrganizationDomain', () => workos.organizationDomains.deleteOrganizationDomain(domain.id));

// Organization roles.
await call('authorization.createOrganizationRole', () => authz.createOrganizationRole(org.id, { slug: 'org-editor', name: 'Editor' }), has(['slug']));
await call('authorization.listOrganizationRoles', () => authz.listOrganizationRoles(org.id), list(1));
await call('authorization.getOrganizationRole', () => authz.getOrganizationRole(org.id, 'org-editor'), has(['slug']));
await call('authorization.updateOrganizationRole', () => authz.updateOrganizationRole(org.id, 'org-editor', { name: 'Editors' }), has(['slug']));
await call('authorization.addOrganizationRolePermission', () => authz.addOrganizationRolePermission(org.id, 'org-editor', { permissionSlug: `docs:read-${run}` }), has(['slug']));
await call('authorization.setOrganizationRolePermissions', () => authz.setOrganizationRolePermissions(org.id, 'org-editor', { permissions: [`docs:read-${run}`] }), has(['slug']));
await call('authorization.removeOrganizationRolePermission', () => authz.removeOrganizationRolePermission(org.id, 'org-editor', { permissionSlug: `docs:read-${run}` }));

// Users and memberships.
const user = await call('userManagement.createUser', () => um.createUser({ email: `node-${run}@example.com`, password: 'correct-horse-battery', firstName: 'Node' }), has(['id', 'email']));
await call('userManagement.getUser', () => um.getUser(user.id), has(['id']));
await call('userManagement.listUsers', () => um.listUsers(), list(1));
await call('userManagement.updateUser', () => um.updateUser({ userId: user.id, lastName: 'Sdk', externalId: `node-user-${run}` }), (u) => u.lastName === 'Sdk' || 'last name not updated');
await call('userManagement.getUserByExternalId', () => um.getUserByExternalId(`node-user-${run}`), (u) => u.id === user.id || 'another user');
const membership = await call('userManagement.createOrganizationMembership', () => um.createOrganizationMembership({ organizationId: org.id, userId: user.id, roleSlug: 'member' }), has(['id', 'status']));
await call('userManagement.getOrganizationMembership', () => um.getOrganizationMembership(membership.id), has(['id']));
await call('userManagement.listOrganizationMemberships', () => um.listOrganizationMemberships({ organizationId: org.id }), list(1));
await call('userManagement.updateOrganizationMembership', () => um.updateOrganizationMembership(membership.id, { roleSlug: 'org-editor' }), (m) => m.role?.slug === 'org-editor' || `role ${JSON.stringify(m.role)}`);
await call('userManagement.deactivateOrganizationMembership', () => um.deactivateOrganizationMembership(membership.id), (m) => m.status === 'inactive' || `status ${m.status}`);
await call('userManagement.reactivateOrganizationMembership', () => um.reactivateOrganizationMembership(membership.id), (m) => m.status === 'active' || `status ${m.status}`);

// Resources, role assignments and the access check.
const resource = await call('authorization.createResource', () => authz.createResource({ externalId: `doc-${run}`, name: 'Doc', resourceTypeSlug: 'document', organizationId: org.id }), has(['id']));
await call('authorization.getResource', () => authz.getResource(resource.id), has(['id']));
await call('authorization.listResources', () => authz.listResources({ organizationId: org.id }), list(1));
await call('authorization.updateResource', () => authz.updateResource({ resourceId: resource.id, name: 'Document' }), has(['id']));
await call('authorization.assignRole', () => authz.assignRole({ organizationMembershipId: membership.id, roleSlug: `reader-${run}`, resourceId: resource.id }), has(['id']));
await call('authorization.listRoleAssignments', () => authz.listRoleAssignments({ organizationMembershipId: membership.id }), list(1));
await call('authorization.check', () => authz.check({ organizationMembershipId: membership.id, permissionSlug: `docs:read-${run}`, resourceId: resource.id }), (r) => r.authorized === true || `authorized ${r.authorized}`);
await call('authorization.removeRole', () => authz.removeRole({ organizationMembershipId: membership.id, roleSlug: `reader-${run}`, resourceId: resource.id }));
await call('authorization.deleteResource', () => authz.deleteResource({ resourceId: resource.id }));

// AuthKit: password sign-in and the JWKS.
await call('userManagement.authenticateWithPassword', () => um.authenticateWithPassword({ clientId: 'client_node_sdk', email: 'ada@acme.test', password: 'correct-horse-battery' }), has(['accessToken', 'user']));
await call('userManagement.getJwksUrl + fetch', async () => (await fetch(um.getJwksUrl('client_node_sdk'))).json(), (j) => Array.isArray(j.keys) || 'no keys');

// Directory sync (seeded from emulator/fixtures/seed.yaml).
const directories = await call('directorySync.listDirectories', () => workos.directorySync.listDirectories(), list(1));
const directory = directories?.data[0];
await call('directorySync.getDirectory', () => workos.directorySync.getDirectory({ id: directory.id }), has(['id', 'type']));
const dirUsers = await call('directorySync.listUsers', () => workos.directorySync.listUsers({ directory: directory.id }), list(2));
await call('directorySync.getUser', () => workos.directorySync.getUser({ id: dirUsers.data[0].id }), has(['id', 'groups']));
const groups = await call('directorySync.listGroups', () => workos.directorySync.listGroups({ directory: directory.id }), list(2));
await call('directorySync.getGroup', () => workos.directorySync.getGroup({ id: groups.data[0].id }), has(['id', 'name']));
await call('directorySync.deleteDirectory', () => workos.directorySync.deleteDirectory({ id: directory.id }));

// Events: what the calls above produced.
await call('events.listEvents', () => workos.events.listEvents({ events: ['organization.created', 'user.created'] }), list(2));

// Clean-up calls are calls too.
await call('userManagement.deleteOrganizationMembership', () => um.deleteOrganizationMembership(membership.id));
await call('userManagement.deleteUser', () => um.deleteUser(user.id));
await call('authorization.deleteOrganizationRole', () => authz.deleteOrganizationRole(org.id, 'org-editor'));
await call('authorization.deletePermission', () => authz.deletePermission(`docs:read-${run}`));
await call('organizations.deleteOrganization', () => workos.organizations.deleteOrganization(org.id));

server.kill('SIGTERM');
await once(server, 'exit');

const failed = results.filter((r) => !r.ok);
for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name}${r.ok ? '' : `: ${r.error}`}`);
console.log(`\n${results.length - failed.length} of ${results.length} Node SDK calls succeeded against the emulator.`);
process.exit(failed.length === 0 ? 0 : 1);
