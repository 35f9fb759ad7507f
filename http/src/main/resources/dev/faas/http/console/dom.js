// DOM building without HTML strings: the page's Content-Security-Policy enforces Trusted Types,
// so innerHTML and friends would throw. Text always goes in as text.

/** An element with attributes (on* become listeners) and children (strings become text). */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'value') {
      el.value = value;
    } else if (key === 'checked') {
      el.checked = Boolean(value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  add(el, children);
  return el;
}

function add(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces everything inside {@code el}. */
export function replace(el, ...children) {
  el.replaceChildren();
  add(el, children);
  return el;
}

let ids = 0;

/** A labelled form control: the label's for= names the control, a hint is described-by. */
export function field(label, control, hint) {
  if (!control.id) control.id = `f${++ids}`;
  const parts = [h('label', { for: control.id }, label), control];
  if (hint) {
    const hintId = `${control.id}-hint`;
    control.setAttribute('aria-describedby', hintId);
    parts.push(h('small', { id: hintId, class: 'hint' }, hint));
  }
  return h('div', { class: 'field' }, parts);
}

/**
 * A table with a caption. Each cell is labelled with its column's heading (data-label), so a
 * phone-width screen can show every row as a card of labelled lines instead of a wide grid.
 */
export function table(caption, headings, rows) {
  for (const row of rows) {
    [...row.children].forEach((cell, i) => {
      if (headings[i]) cell.setAttribute('data-label', headings[i]);
    });
  }
  return h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': caption },
    h('table', {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, headings.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows)));
}

/** "2026-12-03 10:15:30 UTC" from an RFC 3339 string; empty for none. */
export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Says {@code text} to screen readers without moving focus. */
export function announce(text) {
  const region = document.getElementById('announce');
  if (region) region.textContent = text;
}

/** A page's heading, focused after navigation so keyboard and screen-reader users start there. */
export function heading(text) {
  return h('h1', { tabindex: -1, id: 'page-title' }, text);
}
