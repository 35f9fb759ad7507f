// Activation records: a filtered, cursor-paged list and one record in full.

import { call } from './api.js';
import { field, h, heading, table, when } from './dom.js';

const ms = (n) => (n === undefined || n === null ? '—' : `${n} ms`);

/** The timings an activation record carries, as a definition list. */
export function timingsView(record) {
  const t = record.timings || {};
  const rows = [
    ['Queued', ms(t.queuedMs), 'until a worker took it'],
    ['Container', ms(t.acquireMs), record.warm ? 'a warm container was handed over' : 'starting a container'],
    ['Run', ms(t.runMs), 'from the parameter to the end of output'],
    ['Total', ms(record.durationMs), 'from admission to the end'],
  ];
  return h('dl', { class: 'timings', id: 'timings' },
    rows.map(([name, value, hint]) => h('div', {}, h('dt', {}, name), h('dd', { title: hint, 'data-timing': name.toLowerCase() }, value))));
}

export function statusBadge(status) {
  return h('span', { class: `badge ${status}`, 'data-status': status }, status);
}

/** One record in full: outcome, result, logs, timings and the rest. */
export function recordView(record) {
  const facts = [
    ['Activation', record.activationId],
    ['Function', record.function],
    ['Exit code', record.exitCode ?? '—'],
    ['Started', when(record.startedAt)],
    ['Warm container', record.warm ? 'yes' : 'no'],
    ['Request id', record.requestId ?? '—'],
  ];
  const async = record.async;
  if (async) {
    facts.push(['Queued', when(async.queuedAt)], ['Attempts', async.attempts.length]);
    if (async.callback) {
      const cb = async.callback;
      facts.push(['Callback', `${cb.state} after ${cb.attempts} attempt(s): ${cb.url}`
        + (cb.lastError ? ` (${cb.lastError})` : '')]);
    }
  }
  return h('section', { class: 'record', 'aria-label': 'Activation record' },
    h('p', { class: 'record-status' }, 'Status: ', statusBadge(record.status), record.error ? ` — ${record.error}` : ''),
    h('h2', {}, 'Result'),
    h('pre', { id: 'record-result', class: 'output', tabindex: 0 }, record.result ?? ''),
    h('h2', {}, 'Logs', record.logsTruncated ? ' (truncated)' : ''),
    h('pre', { id: 'record-logs', class: 'output logs', tabindex: 0 }, record.logs || '(none)'),
    h('h2', {}, 'Timings'),
    timingsView(record),
    h('h2', {}, 'Details'),
    h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', { class: 'mono' }, String(v))])));
}

/** #/activations?function=F&cursor=C */
export async function listPage(go, query) {
  const fn = query.get('function') || '';
  const cursor = query.get('cursor') || '';
  const limit = query.get('limit') || '20';
  const params = new URLSearchParams({ limit });
  if (fn) params.set('function', fn);
  if (cursor) params.set('cursor', cursor);
  const [{ activations, nextCursor }, { functions }] = await Promise.all([
    call('GET', `/v1/activations?${params}`),
    call('GET', '/v1/functions'),
  ]);
  const select = h('select', { id: 'filter-function', name: 'function' },
    h('option', { value: '' }, 'All functions'),
    functions.map((f) => h('option', { value: f.name, selected: f.name === fn }, f.name)));
  const size = h('select', { id: 'filter-limit', name: 'limit' },
    ['10', '20', '50', '100'].map((n) => h('option', { value: n, selected: n === limit }, n)));
  const filters = h('form', { class: 'filters', 'aria-label': 'Filter activations' },
    field('Function', select), field('Per page', size),
    h('button', { type: 'submit', id: 'filter-apply' }, 'Show'));
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams({ limit: size.value });
    if (select.value) next.set('function', select.value);
    go(`#/activations?${next}`);
  });
  const here = (c) => {
    const p = new URLSearchParams({ limit });
    if (fn) p.set('function', fn);
    if (c) p.set('cursor', c);
    return `#/activations?${p}`;
  };
  const rows = activations.map((a) => h('tr', {},
    h('th', { scope: 'row' }, h('a', { class: 'mono', href: `#/activations/${encodeURIComponent(a.activationId)}` }, a.activationId)),
    h('td', {}, a.function),
    h('td', {}, statusBadge(a.status)),
    h('td', {}, a.exitCode ?? '—'),
    h('td', {}, when(a.startedAt)),
    h('td', {}, ms(a.durationMs))));
  return [
    heading('Activations'),
    filters,
    activations.length === 0
      ? h('p', { class: 'empty' }, cursor ? 'No more activations.' : 'No activations yet.')
      : table(fn ? `Activations of ${fn}, newest first` : 'Activations, newest first',
        ['Activation', 'Function', 'Status', 'Exit', 'Started', 'Duration'], rows),
    h('nav', { class: 'pager', 'aria-label': 'Pages' },
      cursor ? h('a', { class: 'button secondary', href: here('') }, 'First page') : null,
      ' ',
      nextCursor ? h('a', { class: 'button', id: 'next-page', href: here(nextCursor) }, 'Next page') : null),
  ];
}

/** #/activations/{id} */
export async function detailPage(go, id) {
  const record = await call('GET', `/v1/activations/${encodeURIComponent(id)}`);
  return [
    heading(`Activation of ${record.function}`),
    h('p', { class: 'toolbar' },
      h('a', { class: 'button secondary', href: `#/activations?function=${encodeURIComponent(record.function)}` }, `All of ${record.function}`), ' ',
      h('a', { class: 'button', href: `#/functions/${encodeURIComponent(record.function)}/invoke` }, 'Invoke again')),
    recordView(record),
  ];
}
