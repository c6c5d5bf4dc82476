#!/usr/bin/env node
// drive.js: the official Genesys Cloud SDK (purecloud-platform-client-v2,
// pinned in package.json) against an org, the emulator in the tests: it
// logs in with the client credentials grant and calls, through
// IntegrationsApi, every operation reconcile uses, checking basic facts of
// each answer. It exits 1 naming the first call the SDK could not complete.
//
//   REFEREE_HOST=127.0.0.1 REFEREE_PORT=8080 REFEREE_CLIENT_ID=id REFEREE_CLIENT_SECRET=secret node drive.js
//
// Run by TestConformanceSDKDrivesEmulator (cmd/reconcile/conformance_test.go).
'use strict';

const platformClient = require('purecloud-platform-client-v2');

const env = (name, fallback) => {
  const v = process.env[name] || fallback;
  if (!v) {
    console.error(`drive: ${name} is required`);
    process.exit(2);
  }
  return v;
};

class CallError extends Error {}

// call runs one SDK call, then check on its answer; a rejection or a failed
// check names the call.
async function call(name, fn, check) {
  let answer;
  try {
    answer = await fn();
  } catch (err) {
    const status = err && (err.status || (err.response && err.response.status));
    const body = err && (err.body || (err.response && err.response.data));
    const detail = status ? `status ${status}: ${body === undefined || body === '' ? '(no body)' : JSON.stringify(body)}` : (err && err.message) || String(err);
    throw new CallError(`${name}: the SDK could not complete the call: ${detail}`);
  }
  if (check) {
    const problem = check(answer);
    if (problem) throw new CallError(`${name}: ${problem}; the answer: ${JSON.stringify(answer)}`.slice(0, 2000));
  }
  console.log(`ok ${name}`);
  return answer;
}

// afterOf returns the after cursor of a nextUri, or undefined.
function afterOf(nextUri) {
  if (!nextUri) return undefined;
  return new URL(nextUri, 'http://host').searchParams.get('after') || undefined;
}

async function main() {
  const client = platformClient.ApiClient.instance;
  client.setGateway({ host: env('REFEREE_HOST', '127.0.0.1'), port: Number(env('REFEREE_PORT')), protocol: 'http' });
  const api = new platformClient.IntegrationsApi();
  const stamp = Date.now().toString(36);

  await call('loginClientCredentialsGrant',
    () => client.loginClientCredentialsGrant(env('REFEREE_CLIENT_ID'), env('REFEREE_CLIENT_SECRET')),
    (auth) => (auth && auth.accessToken ? '' : 'no access token'));

  const types = await call('getIntegrationsTypes', () => api.getIntegrationsTypes({ pageSize: 100, pageNumber: 1 }),
    (a) => (Array.isArray(a.entities) && a.entities.some((t) => t.id === 'custom-rest-actions')
      ? '' : 'no entities, or no custom-rest-actions (web services) among them'));
  const typeId = types.entities.find((t) => t.id === 'custom-rest-actions').id;

  await call('getIntegrationsType', () => api.getIntegrationsType(typeId),
    (t) => (t.id === typeId ? '' : `the id is ${t.id}, not ${typeId}`));

  await call('getIntegrationsCredentialsTypes', () => api.getIntegrationsCredentialsTypes(),
    (a) => (!Array.isArray(a) ? 'not an array (the SDK declares Array<CredentialType>)'
      : a.some((t) => t.name === 'basicAuth') ? '' : 'no basicAuth credential type'));

  const cred = await call('postIntegrationsCredentials', () => api.postIntegrationsCredentials({
    body: { name: `referee-${stamp}`, type: { name: 'basicAuth' }, credentialFields: { userName: 'referee', password: 'referee-SECRET' } },
  }), (c) => (c.id && c.type && c.type.name === 'basicAuth' ? '' : 'no id, or type.name is not basicAuth'));

  let after;
  let found = false;
  let pages = 0;
  for (;;) {
    pages++;
    if (pages > 1000) throw new CallError('getIntegrationsCredentialsListing: more than 1000 pages: the cursor never ends');
    const page = await call(`getIntegrationsCredentialsListing page ${pages}`,
      () => api.getIntegrationsCredentialsListing({ pageSize: 25, after }),
      (p) => (Array.isArray(p.entities) ? '' : 'no entities array (the SDK declares CredentialInfoCursorListing)'));
    if (page.entities.some((c) => c.id === cred.id)) found = true;
    const next = afterOf(page.nextUri);
    if (page.entities.length === 0 || !next) break;
    if (next === after) throw new CallError(`getIntegrationsCredentialsListing page ${pages}: nextUri repeats the cursor ${after}`);
    after = next;
  }
  if (!found) throw new CallError(`getIntegrationsCredentialsListing: ${pages} pages, and not the credential ${cred.id} just made`);

  const made = await call('postIntegrations', () => api.postIntegrations({
    body: { name: `Referee ${stamp}`, integrationType: { id: typeId } },
  }), (i) => (i.id ? (i.intendedState === 'DISABLED' ? '' : `intendedState ${i.intendedState}, not DISABLED`) : 'no id'));

  let listed;
  for (let n = 1; !listed; n++) {
    const page = await call(`getIntegrations page ${n}`,
      () => api.getIntegrations({ pageSize: 100, pageNumber: n, expand: ['config.current'] }),
      (p) => (Array.isArray(p.entities) ? '' : 'no entities array'));
    listed = page.entities.find((i) => i.id === made.id);
    if (!listed && (page.entities.length === 0 || n >= (page.pageCount || 1))) {
      throw new CallError(`getIntegrations: the integration ${made.id} just made is not listed`);
    }
  }
  if (!listed.config || !listed.config.current) {
    throw new CallError(`getIntegrations: expand config.current gave no config.current for ${made.id}`);
  }

  const cfg = await call('getIntegrationConfigCurrent', () => api.getIntegrationConfigCurrent(made.id),
    (c) => (typeof c.version === 'number' ? '' : 'no numeric version'));

  await call('putIntegrationConfigCurrent', () => api.putIntegrationConfigCurrent(made.id, {
    body: {
      name: cfg.name || made.name,
      notes: 'configured by the referee',
      version: cfg.version,
      properties: cfg.properties || {},
      advanced: cfg.advanced || {},
      credentials: { basicAuth: { id: cred.id } },
    },
  }), (c) => (c.version > cfg.version
    ? (c.credentials && c.credentials.basicAuth && c.credentials.basicAuth.id === cred.id ? '' : 'the credential is not attached')
    : `version ${c.version}, not above ${cfg.version}`));

  await call('patchIntegration', () => api.patchIntegration(made.id, { body: { intendedState: 'ENABLED' } }),
    (i) => (i.intendedState === 'ENABLED' ? '' : `intendedState ${i.intendedState}, not ENABLED`));

  await call('getIntegrationsActions', () => api.getIntegrationsActions({ pageSize: 100, pageNumber: 1, includeAuthActions: 'true' }),
    (p) => (Array.isArray(p.entities) ? '' : 'no entities array'));

  // Data actions: a draft, its publish, a draft of the published action,
  // a patch, test executions and a second publish under the same id.
  const schema = { type: 'object', properties: {} };
  const draft = await call('postIntegrationsActionsDrafts', () => api.postIntegrationsActionsDrafts({
    category: 'Referee',
    name: `Referee action ${stamp}`,
    integrationId: made.id,
    config: {
      request: { requestUrlTemplate: 'http://127.0.0.1:9/none', requestType: 'GET', headers: {} },
      response: { translationMap: {}, successTemplate: '${rawResult}' },
    },
    contract: { input: { inputSchema: schema }, output: { successSchema: schema } },
  }), (a) => (a.id && a.version === 1 ? '' : `no id, or version ${a.version}, not 1`));

  await call('getIntegrationsActionsDrafts', () => api.getIntegrationsActionsDrafts({ pageSize: 100, pageNumber: 1 }),
    (p) => (Array.isArray(p.entities) && p.entities.some((a) => a.id === draft.id) ? '' : `the draft ${draft.id} is not listed`));

  await call('postIntegrationsActionDraftPublish', () => api.postIntegrationsActionDraftPublish(draft.id, { version: draft.version }),
    (a) => (a.id === draft.id && a.version === 1 ? '' : `id ${a.id}, version ${a.version}: want ${draft.id}, 1`));

  await call('getIntegrationsAction', () => api.getIntegrationsAction(draft.id, { expand: 'contract', includeConfig: true }),
    (a) => (a.contract && a.contract.input && a.config && a.config.request ? '' : 'no contract, or no config'));

  const copy = await call('postIntegrationsActionDraft', () => api.postIntegrationsActionDraft(draft.id),
    (a) => (a.id === draft.id && typeof a.version === 'number' ? '' : `id ${a.id}, not ${draft.id}, or no version`));

  const patched = await call('patchIntegrationsActionDraft', () => api.patchIntegrationsActionDraft(draft.id, {
    version: copy.version,
    config: {
      timeoutSeconds: 5,
      request: { requestUrlTemplate: 'http://127.0.0.1:9/patched', requestType: 'GET', headers: {} },
      response: { translationMap: {}, successTemplate: '${rawResult}' },
    },
  }), (a) => (a.version === copy.version + 1 ? '' : `version ${a.version}, not ${copy.version + 1}`));

  await call('postIntegrationsActionDraftTest', () => api.postIntegrationsActionDraftTest(draft.id, {}),
    (r) => (typeof r.success === 'boolean' && Array.isArray(r.operations) ? '' : 'not a TestExecutionResult (no boolean success, or no operations)'));

  await call('postIntegrationsActionDraftPublish again', () => api.postIntegrationsActionDraftPublish(draft.id, { version: patched.version }),
    (a) => (a.id === draft.id && a.version === 2 ? '' : `id ${a.id}, version ${a.version}: want ${draft.id}, 2`));

  await call('getIntegrationsActions includeConfig', () => api.getIntegrationsActions({ pageSize: 100, pageNumber: 1, includeConfig: true }),
    (p) => {
      const a = Array.isArray(p.entities) && p.entities.find((e) => e.id === draft.id);
      return a && a.config && a.version === 2 ? '' : `the action ${draft.id} is not listed with its config and version 2`;
    });

  await call('postIntegrationsActionTest', () => api.postIntegrationsActionTest(draft.id, {}),
    (r) => (typeof r.success === 'boolean' && Array.isArray(r.operations) ? '' : 'not a TestExecutionResult (no boolean success, or no operations)'));

  await call('deleteIntegrationsAction', () => api.deleteIntegrationsAction(draft.id));

  await call('deleteIntegration', () => api.deleteIntegration(made.id));
  await call('deleteIntegrationsCredential', () => api.deleteIntegrationsCredential(cred.id));
}

main().then(() => {
  console.log('drive: every call completed');
  process.exit(0);
}, (err) => {
  console.error(`drive: ${err instanceof CallError ? err.message : err && err.stack ? err.stack : err}`);
  process.exit(1);
});
