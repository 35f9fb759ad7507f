// The console's entry point: a hash router over the pages, the navigation, and sign-out.
// Every page is a function answering the nodes to show; the page's <h1> gets the focus after
// navigation, so keyboard and screen-reader users start at the top of what changed.

import { expiresAt, problemView, signOut, signedIn, username, whenExpired } from './api.js';
import { announce, h, replace } from './dom.js';
import { signInPage } from './session.js';
import * as functions from './functions.js';
import { invokePage } from './invoke.js';
import * as activations from './activations.js';
import { keysPage, registriesPage, usagePage } from './account.js';

const main = document.getElementById('main');
let notice = null;
let rendering = 0;

/** Navigates to {@code hash}, with a notice shown on the next page; {@code force} re-renders it. */
function go(hash, message = null, force = false) {
  notice = message;
  if (location.hash === hash || force) render();
  else location.hash = hash;
}

const routes = [
  [/^#\/functions$/, () => functions.listPage(go)],
  [/^#\/functions\/new$/, () => functions.formPage(go, null)],
  [/^#\/functions\/([^/?]+)\/invoke$/, (m) => invokePage(go, decodeURIComponent(m[1]))],
  [/^#\/functions\/([^/?]+)$/, (m) => functions.formPage(go, decodeURIComponent(m[1]))],
  [/^#\/activations(?:\?(.*))?$/, (m) => activations.listPage(go, new URLSearchParams(m[1] || ''))],
  [/^#\/activations\/([^/?]+)$/, (m) => activations.detailPage(go, decodeURIComponent(m[1]))],
  [/^#\/usage$/, () => usagePage(go)],
  [/^#\/keys$/, () => keysPage(go)],
  [/^#\/registries$/, () => registriesPage(go)],
];

function showChrome() {
  const inside = signedIn();
  document.getElementById('nav').hidden = !inside;
  document.getElementById('who').hidden = !inside;
  if (inside) {
    document.getElementById('who-name').textContent = username();
    document.getElementById('who-name').title = `Signed in until ${expiresAt()}`;
  }
  const here = location.hash.split('?')[0];
  for (const link of document.querySelectorAll('#nav a')) {
    const target = link.getAttribute('href');
    if (here === target || here.startsWith(`${target}/`)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

async function render() {
  const mine = ++rendering;
  const flash = notice ? h('p', { class: 'notice', role: 'status', id: 'notice' }, notice) : null;
  notice = null;
  showChrome();
  if (!signedIn()) {
    replace(main, signInPage(() => {
      if (!location.hash.startsWith('#/') || location.hash === '#/') location.hash = '#/functions';
      else render();
    }, flash?.textContent));
    document.title = 'Sign in · FaaS console';
    focusTitle();
    return;
  }
  const hash = location.hash.startsWith('#/') && location.hash !== '#/' ? location.hash : '#/functions';
  const route = routes.find(([pattern]) => pattern.test(hash));
  let content;
  try {
    content = route ? await route[1](hash.match(route[0])) : [h('h1', { tabindex: -1 }, 'Not found'), h('p', {}, 'The console has no such page.')];
  } catch (e) {
    content = [h('h1', { tabindex: -1 }, 'Something went wrong'), problemView(e)];
  }
  if (mine !== rendering) return; // a later navigation won
  replace(main, flash, content);
  showChrome();
  const title = main.querySelector('h1')?.textContent || 'Console';
  document.title = `${title} · FaaS console`;
  announce(title);
  focusTitle();
}

function focusTitle() {
  const title = main.querySelector('h1');
  if (title) title.focus({ preventScroll: false });
}

whenExpired(() => {
  notice = 'Your session ended (the token expired or the account is gone). Sign in again.';
  render();
});

document.getElementById('sign-out').addEventListener('click', () => {
  signOut();
  go('#/', 'Signed out.');
});

window.addEventListener('hashchange', () => {
  // The skip link's #main is not a page.
  if (location.hash.startsWith('#/') || location.hash === '') render();
});

render();
