import { credentials, onUnauthorized } from './api.js';
import { el, notify } from './dom.js';
import { agentsView } from './agents.js';
import { agentView } from './agent.js';
import { deployView } from './deploy.js';
import { deploymentView } from './deployment.js';
import { auditView } from './audit.js';
import { finishSignIn, signInConfig, startSignIn } from './oidc.js';

// #/agents, #/agent/<name>, #/deploy (?agent=&repo=&branch= to fill it), #/deployment/<id>, #/audit
const views = { agents: agentsView, agent: agentView, deploy: deployView, deployment: deploymentView, audit: auditView };
const root = document.getElementById('view');
const signOut = document.getElementById('sign-out');
let current = null;
let oidc = null;

function leave() {
  if (current && current.stop) current.stop();
  current = null;
  root.replaceChildren();
}

function route() {
  leave();
  notify('');
  signOut.hidden = !credentials.token();
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const [name, ...rest] = path.split('/');
  const view = views[name] || agentsView;
  current = view(root, decodeURIComponent(rest.join('/')), new URLSearchParams(query));
}

function signIn(detail) {
  leave();
  signOut.hidden = true;
  const input = el('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true });
  const viaIssuer = oidc ? [
    el('button', { type: 'button', id: 'oidc-sign-in', onclick: () => startSignIn(oidc).catch((e) => notify(e.message)) },
      `Sign in with ${oidc.issuer}`),
    el('p', { class: 'hint' }, 'Or with a token:')] : [];
  const form = el('form', { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    el('h2', { id: 'sign-in-title' }, 'Sign in'), viaIssuer,
    el('p', {}, 'Paste the server\'s API token (VM_API_TOKEN), a named token of its tokens file, or a JWT. '
      + 'It is kept for this tab only.'),
    detail ? el('p', { class: 'error' }, detail) : null,
    el('label', { for: 'token' }, 'Token'), input,
    el('button', { type: 'submit' }, 'Sign in'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    credentials.keep(input.value.trim());
    route();
  });
  root.append(form);
  if (!oidc) input.focus();
}

onUnauthorized((detail) => {
  credentials.forget();
  signIn(detail);
});
signOut.addEventListener('click', () => {
  credentials.forget();
  signIn('');
});
window.addEventListener('hashchange', route);
oidc = await signInConfig();
const problem = await finishSignIn(oidc).catch((e) => e.message);
if (problem) signIn(problem);
else route();
