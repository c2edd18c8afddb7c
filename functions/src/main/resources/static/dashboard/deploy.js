import { api, paths } from './api.js';
import { el, needsScope, notify } from './dom.js';

// KEY=value lines (blank lines and # comments skipped) as an object; a bad line names itself.
export function pairs(text, field) {
  const result = {};
  text.split('\n').map((l) => l.trim()).forEach((line, i) => {
    if (!line || line.startsWith('#')) return;
    const at = line.indexOf('=');
    if (at <= 0) throw new Error(`${field}: line ${i + 1} is not KEY=value`);
    result[line.slice(0, at).trim()] = line.slice(at + 1);
  });
  return result;
}

function field(id, label, input, hint) {
  return el('div', { class: 'field' }, el('label', { for: id }, label), input, hint ? el('p', { class: 'hint', id: `${id}-hint` }, hint) : null);
}

export function deployView(root, _, query) {
  const input = (id, attrs = {}) => el('input', { id, name: id, ...attrs });
  const area = (id, placeholder) => el('textarea', { id, name: id, rows: 3, placeholder, spellcheck: 'false' });
  const f = {
    agent: input('agent_name', { required: true, pattern: '[a-zA-Z0-9][a-zA-Z0-9_.\\-]{0,62}', value: query.get('agent') || '' }),
    repo: input('repo_url', { required: true, value: query.get('repo') || '', placeholder: 'https://git.example.com/team/agent.git' }),
    branch: input('branch', { value: query.get('branch') || '', placeholder: 'the default branch' }),
    credential: el('select', { id: 'credential' }, el('option', { value: 'none' }, 'none (a public repository)'),
      el('option', { value: 'auth_token' }, 'a token'), el('option', { value: 'auth_token_secret' }, 'a secret reference')),
    secret: input('secret', { type: 'password', autocomplete: 'off' }),
    port: input('expose_port', { type: 'number', min: 1, max: 65535, placeholder: '8080' }),
    command: area('startup_cmd', 'one argument a line, e.g.\npython\nmain.py'),
    environment: area('environment', 'KEY=value, one a line'),
    volumes: area('volumes', 'name=/absolute/path, one a line'),
    network: input('network'),
  };
  const submit = needsScope(el('button', { type: 'submit', id: 'deploy-button' }, 'Deploy'), 'vm:deploy');
  const form = el('form', { class: 'deploy', 'aria-labelledby': 'deploy-title' },
    el('h2', { id: 'deploy-title' }, 'Deploy an agent'),
    field('agent_name', 'Agent name', f.agent),
    field('repo_url', 'Repository', f.repo),
    field('branch', 'Branch', f.branch),
    field('credential', 'Repository credential', f.credential),
    field('secret', 'Token, or the secret\'s name or ARN', f.secret, 'Sent once with this deploy, never kept by the page.'),
    field('expose_port', 'Port', f.port),
    field('startup_cmd', 'Command', f.command),
    field('environment', 'Environment', f.environment),
    field('volumes', 'Volumes', f.volumes),
    field('network', 'Network', f.network),
    submit);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      const body = { agent_name: f.agent.value.trim(), repo_url: f.repo.value.trim() };
      if (f.branch.value.trim()) body.branch = f.branch.value.trim();
      if (f.credential.value !== 'none' && f.secret.value) body[f.credential.value] = f.secret.value;
      if (f.port.value) body.expose_port = Number(f.port.value);
      const command = f.command.value.split('\n').map((l) => l.trim()).filter(Boolean);
      if (command.length) body.startup_cmd = command;
      const environment = pairs(f.environment.value, 'environment');
      if (Object.keys(environment).length) body.environment = environment;
      const volumes = pairs(f.volumes.value, 'volumes');
      if (Object.keys(volumes).length) body.volumes = volumes;
      if (f.network.value.trim()) body.network = f.network.value.trim();
      const answer = await api(paths.deploy(), { method: 'POST', body, headers: { Prefer: 'respond-async' } });
      if (answer.deployment_id) {
        location.hash = `#/deployment/${encodeURIComponent(answer.deployment_id)}`;
      } else {
        location.hash = `#/agent/${encodeURIComponent(body.agent_name)}`;
        notify(`Nothing changed: ${answer.container_name} already runs this commit`, 'info');
      }
    } catch (e) {
      notify(e.message);
    } finally {
      submit.disabled = Boolean(submit.dataset.missingScope);
    }
  });
  root.append(form);
  return { stop() {} };
}
