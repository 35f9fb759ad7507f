// The account: usage against limits, API keys (a new key is shown once), registry credentials.

import { call, problemView, request } from './api.js';
import { announce, field, h, heading, replace, table, when } from './dom.js';

function gauge(id, label, used, limit) {
  const known = used !== undefined && used !== null;
  return h('div', { class: 'gauge' },
    h('label', { for: id }, label),
    h('meter', { id, min: 0, max: limit, value: known ? used : 0, high: Math.max(1, Math.floor(limit * 0.8)), optimum: 0 }),
    h('span', { class: 'gauge-text', 'data-gauge': id }, known ? `${used} of ${limit}` : `unknown of ${limit}`));
}

/** #/usage */
export async function usagePage() {
  const me = await call('GET', '/v1/users/me');
  const usage = me.usage || {};
  return [
    heading('Usage and limits'),
    h('p', {}, `Signed in as ${me.username}, registered ${when(me.createdAt)}.`),
    h('section', { class: 'card wide', 'aria-label': 'Usage against limits' },
      gauge('usage-functions', 'Functions', usage.functions, me.limits.functions),
      gauge('usage-concurrent', 'Activations running now', usage.concurrent, me.limits.concurrent),
      me.usage ? null : h('p', { class: 'notice' }, 'Usage is unknown right now (the data store did not answer).')),
    h('p', { class: 'meta' }, 'Over a limit, a call is refused at once (429, or 409 for a new function) and nothing runs.'),
  ];
}

/** #/keys */
export async function keysPage(go) {
  const { keys } = await call('GET', '/v1/keys');
  const out = h('div', { class: 'outcome', id: 'key-outcome' });
  const name = h('input', { id: 'key-name', name: 'name', required: true, maxlength: 64 });
  const scope = h('select', { id: 'key-scope', name: 'scope' },
    h('option', { value: 'invoke' }, 'invoke: call functions, read their activations'),
    h('option', { value: 'manage' }, 'manage: what a token may do, except keys, registries and the account'));
  const functions = h('input', { id: 'key-functions', name: 'functions', autocapitalize: 'none', spellcheck: 'false' });
  const expires = h('input', { id: 'key-expires', name: 'expiresAt', type: 'datetime-local' });
  const form = h('form', { class: 'card wide', novalidate: true, 'aria-labelledby': 'new-key-title' },
    h('h2', { id: 'new-key-title' }, 'New key'),
    field('Name', name),
    field('Scope', scope),
    field('Functions', functions, 'invoke keys only: names separated by commas; empty for all your functions.'),
    field('Expires', expires, 'Optional; your local time.'),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', id: 'key-create' }, 'Create key')),
    out);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    out.replaceChildren();
    const body = { name: name.value, scope: scope.value };
    const listed = functions.value.split(',').map((s) => s.trim()).filter(Boolean);
    if (listed.length) body.functions = listed;
    if (expires.value) body.expiresAt = new Date(expires.value).toISOString();
    try {
      const created = await call('POST', '/v1/keys', { json: body });
      const secret = h('input', { id: 'key-secret', class: 'mono', readonly: true, value: created.key, 'aria-describedby': 'key-once' });
      const copy = h('button', {
        type: 'button', class: 'secondary',
        onclick: async () => {
          try { await navigator.clipboard.writeText(created.key); announce('Key copied'); } catch { secret.select(); }
        },
      }, 'Copy');
      const done = h('button', { type: 'button', onclick: () => go('#/keys') }, 'Done, I kept it');
      replace(out, h('div', { class: 'once', role: 'alert' },
        h('p', { id: 'key-once' }, `This is the key "${created.name}". It is shown this once: keep it now.`),
        field('Key', secret), h('div', { class: 'buttons' }, copy, ' ', done)));
      secret.focus();
      secret.select();
    } catch (e) {
      out.append(problemView(e, 'The key was not created.'));
    }
  });
  const rows = keys.map((k) => h('tr', { 'data-key': k.id },
    h('th', { scope: 'row' }, k.name),
    h('td', {}, k.scope),
    h('td', {}, (k.functions || []).join(', ') || (k.scope === 'invoke' ? 'all' : '—')),
    h('td', {}, when(k.createdAt)),
    h('td', {}, k.expiresAt ? when(k.expiresAt) : 'never'),
    h('td', {}, when(k.lastUsedAt)),
    h('td', {}, h('button', {
      type: 'button', class: 'danger', 'aria-label': `Revoke key ${k.name}`,
      onclick: async () => {
        try {
          await request('DELETE', `/v1/keys/${encodeURIComponent(k.id)}`);
          go('#/keys', `Revoked key ${k.name}.`);
        } catch (e) {
          out.replaceChildren(problemView(e, 'The key was not revoked.'));
        }
      },
    }, 'Revoke'))));
  return [
    heading('API keys'),
    h('p', {}, 'Long-lived credentials for scripts and CI, used like a token: Authorization: Bearer <key>.'),
    keys.length === 0 ? h('p', { class: 'empty' }, 'No keys.')
      : table('Your keys, oldest first', ['Name', 'Scope', 'Functions', 'Created', 'Expires', 'Last used', 'Actions'], rows),
    form,
  ];
}

/** #/registries */
export async function registriesPage(go) {
  const { registries } = await call('GET', '/v1/registries');
  const out = h('div', { class: 'outcome', id: 'registry-outcome' });
  const host = h('input', { id: 'registry-host', name: 'host', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const user = h('input', { id: 'registry-username', name: 'username', required: true, autocomplete: 'off' });
  const password = h('input', { id: 'registry-password', name: 'password', type: 'password', required: true, autocomplete: 'new-password' });
  const form = h('form', { class: 'card wide', novalidate: true, 'aria-labelledby': 'registry-title' },
    h('h2', { id: 'registry-title' }, 'Add or replace credentials'),
    field('Registry host', host, 'host[:port] as image references name it, e.g. ghcr.io or registry.example:5000'),
    field('Username', user),
    field('Password or token', password, 'Stored encrypted; never shown again.'),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', id: 'registry-save' }, 'Save credentials')),
    out);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    out.replaceChildren();
    try {
      await request('PUT', `/v1/registries/${encodeURIComponent(host.value.trim())}`,
        { json: { username: user.value, password: password.value } });
      password.value = '';
      go('#/registries', `Saved credentials for ${host.value.trim()}.`);
    } catch (e) {
      out.append(problemView(e, 'The credentials were not saved.'));
    }
  });
  const rows = registries.map((r) => h('tr', {},
    h('th', { scope: 'row', class: 'mono' }, r.host),
    h('td', {}, r.username),
    h('td', {}, when(r.updatedAt)),
    h('td', {}, h('button', {
      type: 'button', class: 'danger', 'aria-label': `Remove credentials for ${r.host}`,
      onclick: async () => {
        try {
          await request('DELETE', `/v1/registries/${encodeURIComponent(r.host)}`);
          go('#/registries', `Removed credentials for ${r.host}.`);
        } catch (e) {
          out.replaceChildren(problemView(e, 'The credentials were not removed.'));
        }
      },
    }, 'Remove'))));
  return [
    heading('Registry credentials'),
    h('p', {}, 'The platform pulls your functions\' images with your credentials for their registry, never anyone else\'s.'),
    registries.length === 0 ? h('p', { class: 'empty' }, 'No credentials.')
      : table('Your registries', ['Host', 'Username', 'Updated', 'Actions'], rows),
    form,
  ];
}
