// Invoking a function: a parameter box, then the activation record (result, logs, status and
// timings). A failed call shows its problem and, when it names an activation, that record too.

import { ApiError, call, problemView, request } from './api.js';
import { field, h, heading } from './dom.js';
import { recordView } from './activations.js';

/** #/functions/{name}/invoke */
export async function invokePage(go, name) {
  const fn = await call('GET', `/v1/functions/${encodeURIComponent(name)}`);
  const parameter = h('textarea', { id: 'invoke-parameter', name: 'parameter', rows: 5, class: 'mono', spellcheck: 'false' });
  const button = h('button', { type: 'submit', id: 'invoke-submit' }, 'Invoke');
  const out = h('div', { class: 'outcome', id: 'invoke-outcome', 'aria-live': 'polite' });
  const form = h('form', { class: 'card wide', novalidate: true, 'aria-label': `Invoke ${name}` },
    h('p', { class: 'meta' }, `Image ${fn.image}`, fn.imageDigest ? ` (${fn.imageDigest.slice(0, 19)}…)` : '',
      `, timeout ${fn.timeoutMs} ms, memory ${fn.memoryMb} MiB, parameter on ${fn.inputMode === 'arg' ? 'the command line' : 'stdin'}.`),
    field('Parameter', parameter, 'Sent as it is, as the function\'s one string parameter (UTF-8; may be empty).'),
    h('div', { class: 'buttons' }, button),
    out);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    out.replaceChildren(h('p', { class: 'pending', role: 'status' }, `Running ${name}…`));
    const started = performance.now();
    try {
      const response = await request('POST', `/v1/functions/${encodeURIComponent(name)}/invoke`, {
        body: parameter.value,
        headers: { Accept: 'application/json', 'Content-Type': 'text/plain; charset=utf-8' },
      });
      const record = await response.json();
      out.replaceChildren(roundTrip(started), recordView(record));
    } catch (e) {
      const shown = [roundTrip(started), problemView(e, `${name} did not succeed.`)];
      const id = e instanceof ApiError ? e.problem.activationId : null;
      if (id) {
        try {
          shown.push(recordView(await call('GET', `/v1/activations/${encodeURIComponent(id)}`)));
        } catch {
          shown.push(h('p', {}, h('a', { href: `#/activations/${encodeURIComponent(id)}` }, 'The activation record')));
        }
      }
      out.replaceChildren(...shown);
    } finally {
      button.disabled = false;
    }
  });
  return [
    heading(`Invoke ${name}`),
    h('p', { class: 'toolbar' },
      h('a', { class: 'button secondary', href: `#/functions/${encodeURIComponent(name)}` }, 'Edit'), ' ',
      h('a', { class: 'button secondary', href: `#/activations?function=${encodeURIComponent(name)}` }, 'Activations')),
    form,
  ];
}

function roundTrip(started) {
  return h('p', { class: 'meta' }, `Answered in ${Math.round(performance.now() - started)} ms (round trip from this browser).`);
}
