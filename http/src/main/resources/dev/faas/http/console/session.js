// Sign in and sign up: one page, two forms. The password goes only into the request body.

import { ApiError, problemView, signIn, signUp } from './api.js';
import { field, h, heading } from './dom.js';

function credentialsForm(kind, onDone) {
  const prefix = kind === 'signup' ? 'signup' : 'signin';
  const user = h('input', {
    id: `${prefix}-username`, name: 'username', autocomplete: 'username', required: true,
    autocapitalize: 'none', spellcheck: 'false', pattern: '[a-z][a-z0-9_\\-]{2,31}',
  });
  const password = h('input', {
    id: `${prefix}-password`, name: 'password', type: 'password', required: true, minlength: 8, maxlength: 128,
    autocomplete: kind === 'signup' ? 'new-password' : 'current-password',
  });
  const out = h('div', { class: 'outcome' });
  const button = h('button', { type: 'submit', id: `${prefix}-submit` }, kind === 'signup' ? 'Create account' : 'Sign in');
  const form = h('form', { class: 'card', 'aria-labelledby': `${prefix}-title`, novalidate: true },
    h('h2', { id: `${prefix}-title` }, kind === 'signup' ? 'New here? Sign up' : 'Sign in'),
    field('Username', user, kind === 'signup' ? '3 to 32 characters: lower-case letters, digits, - and _, starting with a letter.' : null),
    field('Password', password, kind === 'signup' ? '8 to 128 characters.' : null),
    button, out);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    out.replaceChildren();
    button.disabled = true;
    try {
      if (kind === 'signup') await signUp(user.value, password.value);
      else await signIn(user.value, password.value);
      password.value = '';
      onDone();
    } catch (e) {
      const lead = e instanceof ApiError && e.status === 401 ? 'Unknown username or wrong password.' : null;
      out.append(problemView(e, lead));
      (e?.problem?.field === 'password' ? password : user).focus();
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** The signed-out page; {@code notice} explains why the user is here (for example, an expired token). */
export function signInPage(onDone, notice) {
  return [
    heading('Welcome'),
    notice ? h('p', { class: 'notice', role: 'alert' }, notice) : null,
    h('p', {}, 'Run your container images as functions. Sign in, or create an account.'),
    h('div', { class: 'cards' }, credentialsForm('signin', onDone), credentialsForm('signup', onDone)),
  ];
}
