// The console's one way to the REST API (docs/api.md), on the page's own origin.
//
// The token lives in this module's variable and nowhere else: not in localStorage or
// sessionStorage, not in a cookie (decision 0025). A reload or a closed tab signs the user out.

import { h } from './dom.js';

let session = null; // { token, username, expiresAt }
let onExpired = () => {};

/** The signed-in user's name, or null. */
export function username() {
  return session?.username ?? null;
}

/** When the token stops working (RFC 3339), or null. */
export function expiresAt() {
  return session?.expiresAt ?? null;
}

export function signedIn() {
  return session !== null;
}

/** Called when the API refuses the token (expired, or the user was deleted). */
export function whenExpired(callback) {
  onExpired = callback;
}

export function signOut() {
  session = null;
}

/** An answer other than 2xx, with its problem body (RFC 9457) or one made from what came. */
export class ApiError extends Error {
  constructor(status, problem, headers) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.headers = headers;
  }
}

/**
 * Sends one request and answers the Response when it is 2xx; otherwise throws an ApiError.
 * {@code json} is sent as JSON, {@code body} as it is.
 */
export async function request(method, path, { json, body, headers = {} } = {}) {
  const sent = new Headers(headers);
  if (session) sent.set('Authorization', `Bearer ${session.token}`);
  let payload = body;
  if (json !== undefined) {
    sent.set('Content-Type', 'application/json');
    payload = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(path, {
      method, headers: sent, body: payload, cache: 'no-store', credentials: 'omit', redirect: 'error',
    });
  } catch (e) {
    throw new ApiError(0, {
      title: 'The platform could not be reached',
      detail: `${e.message}. Check the connection and try again.`,
    }, new Headers());
  }
  if (response.ok) return response;
  const problem = await readProblem(response);
  if (response.status === 401 && session) {
    session = null;
    onExpired(problem);
  }
  throw new ApiError(response.status, problem, response.headers);
}

/** As request(), answering the parsed JSON body (null for 204). */
export async function call(method, path, options) {
  const response = await request(method, path, options);
  return response.status === 204 ? null : response.json();
}

async function readProblem(response) {
  const text = await response.text();
  const requestId = response.headers.get('X-Request-Id');
  if ((response.headers.get('Content-Type') || '').includes('json')) {
    try {
      const parsed = JSON.parse(text);
      if (parsed && typeof parsed === 'object') return { status: response.status, ...parsed, requestId };
    } catch {
      // not JSON after all: shown as text below
    }
  }
  return {
    status: response.status,
    title: response.statusText || `HTTP ${response.status}`,
    detail: text.slice(0, 2000),
    requestId,
  };
}

/** Signs in: exchanges the password for a token, kept in memory. */
export async function signIn(name, password) {
  const answer = await call('POST', '/v1/tokens', { json: { username: name, password } });
  session = { token: answer.token, username: name, expiresAt: answer.expiresAt };
}

/** Registers a user, then signs in as them. */
export async function signUp(name, password) {
  await call('POST', '/v1/users', { json: { username: name, password } });
  await signIn(name, password);
}

const SLUG = 'https://faas.dev/problems/';

/** A problem body as a readable alert: title, detail, the fields a user acts on. */
export function problemView(error, lead) {
  const p = error instanceof ApiError ? error.problem : { title: 'Something went wrong', detail: String(error?.message ?? error) };
  const facts = [];
  const fact = (name, value) => {
    if (value !== undefined && value !== null && value !== '') facts.push(h('dt', {}, name), h('dd', {}, String(value)));
  };
  fact('Status', p.status);
  fact('Type', typeof p.type === 'string' && p.type.startsWith(SLUG) ? p.type.slice(SLUG.length) : null);
  fact('Field', p.field);
  fact('Activation', p.activationId);
  fact('Exit code', p.exitCode);
  fact('Reason', p.reason);
  fact('Request id', p.requestId);
  const retry = error?.headers?.get?.('Retry-After');
  fact('Retry after', retry ? `${retry} s` : null);
  return h('div', { class: 'problem', role: 'alert' },
    lead ? h('p', { class: 'lead' }, lead) : null,
    h('p', { class: 'problem-title' }, p.title || 'Error'),
    p.detail ? h('p', { class: 'problem-detail' }, p.detail) : null,
    facts.length ? h('dl', { class: 'facts' }, facts) : null);
}
