// Functions: the list, the create and edit form (edits carry the revision they started from, so
// a concurrent change is refused with 412 and shown), and deleting.

import { ApiError, call, problemView, request } from './api.js';
import { announce, field, h, heading, table, when } from './dom.js';

const path = (name) => `/v1/functions/${encodeURIComponent(name)}`;

function statusBadge(fn) {
  const status = fn.status || 'ready';
  return h('span', { class: `badge ${status}`, title: fn.statusDetail || null }, status);
}

/** #/functions */
export async function listPage(go) {
  const { functions } = await call('GET', '/v1/functions');
  const out = h('div', { class: 'outcome' });
  const rows = functions.map((fn) => {
    const confirmBox = h('span', { class: 'confirm', hidden: true });
    const del = h('button', {
      type: 'button', class: 'danger', 'data-delete': fn.name,
      onclick: () => {
        confirmBox.hidden = false;
        del.hidden = true;
        confirmBox.querySelector('button').focus();
      },
    }, 'Delete');
    confirmBox.append(
      `Delete ${fn.name}? `,
      h('button', {
        type: 'button', class: 'danger', 'data-confirm-delete': fn.name,
        onclick: async () => {
          try {
            await request('DELETE', path(fn.name));
            announce(`Deleted ${fn.name}`);
            go('#/functions', `Deleted ${fn.name}.`);
          } catch (e) {
            out.replaceChildren(problemView(e, `${fn.name} was not deleted.`));
          }
        },
      }, 'Yes, delete'),
      ' ',
      h('button', {
        type: 'button', class: 'secondary',
        onclick: () => { confirmBox.hidden = true; del.hidden = false; del.focus(); },
      }, 'Cancel'));
    return h('tr', { 'data-function': fn.name },
      h('th', { scope: 'row' }, h('a', { href: `#/functions/${encodeURIComponent(fn.name)}` }, fn.name)),
      h('td', { class: 'mono' }, fn.image),
      h('td', {}, statusBadge(fn)),
      h('td', {}, when(fn.updatedAt)),
      h('td', { class: 'actions' },
        h('a', { class: 'button', href: `#/functions/${encodeURIComponent(fn.name)}/invoke` }, 'Invoke'),
        ' ', del, confirmBox));
  });
  return [
    heading('Functions'),
    h('p', { class: 'toolbar' }, h('a', { class: 'button', href: '#/functions/new', id: 'new-function' }, 'New function')),
    out,
    functions.length === 0
      ? h('p', { class: 'empty' }, 'No functions yet. Create one from a container image.')
      : table('Your functions', ['Name', 'Image', 'Status', 'Updated', 'Actions'], rows),
  ];
}

function envText(env) {
  return Object.entries(env || {}).map(([k, v]) => `${k}=${v}`).join('\n');
}

function parseEnv(text) {
  const env = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const at = line.indexOf('=');
    if (at < 1) throw new Error(`Environment: "${line}" is not NAME=value.`);
    env[line.slice(0, at).trim()] = line.slice(at + 1);
  }
  return env;
}

/** #/functions/new and #/functions/{name}: one form, create or edit. */
export async function formPage(go, name) {
  let fn = { name: '', image: '', timeoutMs: 30000, memoryMb: 128, description: '', env: {}, inputMode: 'stdin', network: false };
  let etag = null;
  if (name) {
    const response = await request('GET', path(name));
    etag = response.headers.get('ETag');
    fn = await response.json();
  }
  const inputs = {
    name: h('input', { id: 'fn-name', name: 'name', value: fn.name, required: true, readonly: Boolean(name), autocapitalize: 'none', spellcheck: 'false' }),
    image: h('input', { id: 'fn-image', name: 'image', value: fn.image, required: true, autocapitalize: 'none', spellcheck: 'false' }),
    timeoutMs: h('input', { id: 'fn-timeout', name: 'timeoutMs', type: 'number', min: 100, max: 300000, value: fn.timeoutMs }),
    memoryMb: h('input', { id: 'fn-memory', name: 'memoryMb', type: 'number', min: 16, max: 4096, value: fn.memoryMb }),
    maxConcurrency: h('input', { id: 'fn-max-concurrency', name: 'maxConcurrency', type: 'number', min: 1, value: fn.maxConcurrency ?? '' }),
    inputMode: h('select', { id: 'fn-input-mode', name: 'inputMode' },
      h('option', { value: 'stdin', selected: fn.inputMode !== 'arg' }, 'stdin'),
      h('option', { value: 'arg', selected: fn.inputMode === 'arg' }, 'last argument')),
    network: h('input', { id: 'fn-network', name: 'network', type: 'checkbox', checked: fn.network }),
    description: h('textarea', { id: 'fn-description', name: 'description', rows: 2, maxlength: 1024 }, fn.description || ''),
    env: h('textarea', { id: 'fn-env', name: 'env', rows: 3, class: 'mono', spellcheck: 'false' }, envText(fn.env)),
  };
  const out = h('div', { class: 'outcome', id: 'fn-outcome' });
  const revision = h('p', { class: 'meta', id: 'fn-revision' });
  const showRevision = () => {
    revision.textContent = name ? `Editing revision ${fn.revision} (ETag ${etag}), last updated ${when(fn.updatedAt)}.` : '';
  };
  showRevision();
  const save = h('button', { type: 'submit', id: 'fn-save' }, name ? 'Save changes' : 'Create function');
  const form = h('form', { class: 'card wide', novalidate: true, 'aria-labelledby': 'page-title' },
    revision,
    field('Name', inputs.name, name ? 'A function keeps its name.' : 'Lower-case letters, digits and -, starting with a letter.'),
    field('Image', inputs.image, 'A Docker image reference, e.g. registry.example/team/echo:1'),
    h('div', { class: 'row' },
      field('Timeout (ms)', inputs.timeoutMs, '100 to 300000'),
      field('Memory (MiB)', inputs.memoryMb, '16 to 4096'),
      field('Max concurrency', inputs.maxConcurrency, 'Empty: only your own limit')),
    h('div', { class: 'row' },
      field('Parameter goes to', inputs.inputMode),
      h('div', { class: 'field checkbox' }, inputs.network, h('label', { for: inputs.network.id }, 'Network access'))),
    field('Description', inputs.description),
    field('Environment', inputs.env, 'One NAME=value per line.'),
    h('div', { class: 'buttons' }, save, ' ', h('a', { class: 'button secondary', href: '#/functions' }, 'Cancel')),
    out);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    out.replaceChildren();
    let body;
    try {
      body = {
        name: inputs.name.value.trim(),
        image: inputs.image.value.trim(),
        timeoutMs: Number(inputs.timeoutMs.value || 30000),
        memoryMb: Number(inputs.memoryMb.value || 128),
        description: inputs.description.value,
        env: parseEnv(inputs.env.value),
        inputMode: inputs.inputMode.value,
        network: inputs.network.checked,
      };
      if (inputs.maxConcurrency.value !== '') body.maxConcurrency = Number(inputs.maxConcurrency.value);
    } catch (e) {
      out.append(problemView(e));
      inputs.env.focus();
      return;
    }
    save.disabled = true;
    try {
      if (name) {
        const response = await request('PUT', path(name), { json: body, headers: { 'If-Match': etag } });
        etag = response.headers.get('ETag');
        fn = await response.json();
        showRevision();
        out.append(h('p', { class: 'success', role: 'status', id: 'fn-saved' }, `Saved: ${fn.name} is now at revision ${fn.revision}.`));
      } else {
        await call('POST', '/v1/functions', { json: body });
        go(`#/functions/${encodeURIComponent(body.name)}/invoke`, `Created ${body.name}.`);
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        out.append(problemView(e, 'Someone changed this function after you opened it, so your changes were not saved. '
          + 'Your edits are still in the form: load the current version to see what changed, then apply them again.'),
        h('button', { type: 'button', id: 'fn-reload', onclick: () => go(`#/functions/${encodeURIComponent(name)}`, null, true) }, 'Load the current version'));
        out.querySelector('#fn-reload').focus();
      } else {
        out.append(problemView(e, name ? 'The function was not saved.' : 'The function was not created.'));
        const bad = e?.problem?.field && inputs[e.problem.field.split('.')[0]];
        if (bad) bad.focus();
      }
    } finally {
      save.disabled = false;
    }
  });
  return [
    heading(name ? `Edit ${name}` : 'New function'),
    name ? h('p', { class: 'toolbar' }, h('a', { class: 'button', href: `#/functions/${encodeURIComponent(name)}/invoke` }, 'Invoke'), ' ',
      h('a', { class: 'button secondary', href: `#/activations?function=${encodeURIComponent(name)}` }, 'Activations')) : null,
    form,
  ];
}
