// OpenID Connect sign-in, authorization code with PKCE (RFC 7636), for a public client: the
// issuer's endpoints come from its discovery document, the access token is kept for this tab only.
import { credentials } from './api.js';

const PENDING = 'vm-routes-oidc';

/** The issuer and client the server names at /dashboard-config.json; null when it names none. */
export async function signInConfig() {
  try {
    const response = await fetch('/dashboard-config.json', { cache: 'no-store', credentials: 'omit' });
    const config = await response.json();
    return config.issuer && config.client_id ? config : null;
  } catch {
    return null;
  }
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomText() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

async function discover(issuer) {
  const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { credentials: 'omit' });
  if (!response.ok) throw new Error(`the issuer's discovery document answered ${response.status}`);
  return response.json();
}

function redirectUri() {
  return `${location.origin}/`;
}

/** Leaves for the issuer's sign-in page; it comes back to this page with a code. */
export async function startSignIn(config) {
  const discovery = await discover(config.issuer);
  const verifier = randomText();
  const state = randomText();
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PENDING, JSON.stringify({ state, verifier, hash: location.hash }));
  const query = new URLSearchParams({
    response_type: 'code', client_id: config.client_id, redirect_uri: redirectUri(), scope: config.scope,
    state, code_challenge: challenge, code_challenge_method: 'S256',
  });
  location.assign(`${discovery.authorization_endpoint}?${query}`);
}

/**
 * On the way back from the issuer: checks the state, trades the code for a token, and takes the
 * code off the address. Answers an error's text, or null when there was nothing to finish or it worked.
 */
export async function finishSignIn(config) {
  const query = new URLSearchParams(location.search);
  if (!query.has('code') && !query.has('error')) return null;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', `/${pending && pending.hash ? pending.hash : ''}`);
  if (query.has('error')) return `The issuer refused the sign-in: ${query.get('error')}`;
  if (!pending || !config || query.get('state') !== pending.state) return 'The sign-in did not start here; try again.';
  const discovery = await discover(config.issuer);
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST', credentials: 'omit',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: query.get('code'), code_verifier: pending.verifier,
      client_id: config.client_id, redirect_uri: redirectUri(),
    }),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok || !answer.access_token) return `The issuer did not give a token: ${answer.error || response.status}`;
  credentials.keep(answer.access_token);
  return null;
}
