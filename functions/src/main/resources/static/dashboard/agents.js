import { api, paths } from './api.js';
import { el, needsScope, notify, portsText, shortSha, since, table, when } from './dom.js';
import { poll } from './poll.js';

export function agentsView(root) {
  const filter = el('input', { id: 'agents-filter', type: 'search', placeholder: 'name, status, image, commit…' });
  const body = el('div', { id: 'agents' }, el('p', {}, 'Loading…'));
  let agents = [];
  root.append(el('h2', {}, 'Agents'),
    el('div', { class: 'toolbar' }, el('label', { for: 'agents-filter' }, 'Filter'), filter,
      needsScope(el('a', { href: '#/deploy', class: 'button' }, 'Deploy an agent'), 'vm:deploy')),
    body);

  function render() {
    const words = filter.value.trim().toLowerCase();
    const shown = agents.filter((a) => !words || [a.agent_name, a.container_name, a.status, a.image, a.commit_sha,
      a.last_probe_outcome].join(' ').toLowerCase().includes(words));
    if (shown.length === 0) {
      body.replaceChildren(el('p', {}, agents.length ? 'No agent matches the filter.' : 'No agent runs yet.'));
      return;
    }
    body.replaceChildren(table(['Agent', 'Container', 'Status', 'Health', 'Image', 'Commit', 'Ports', 'Up'], shown.map((a) =>
      el('tr', { 'data-container': a.container_name },
        el('td', {}, a.agent_name ? el('a', { href: `#/agent/${encodeURIComponent(a.agent_name)}` }, a.agent_name) : ''),
        el('td', {}, a.container_name),
        el('td', {}, el('span', { class: `status ${a.status}` }, a.status)),
        el('td', {}, a.last_probe_outcome
          ? el('span', { title: when(a.last_probe_at) }, `${a.last_probe_outcome}, ${since(a.last_probe_at)} ago`)
          : 'not probed yet'),
        el('td', { class: 'mono' }, a.image || ''),
        el('td', { class: 'mono' }, shortSha(a.commit_sha)),
        el('td', {}, portsText(a.ports)),
        el('td', {}, a.status === 'running' ? since(a.created) : '')))));
  }

  filter.addEventListener('input', render);
  return poll(async () => {
    agents = await api(paths.list());
    agents.sort((a, b) => (a.agent_name || '').localeCompare(b.agent_name || ''));
    render();
  }, 5000, (e) => notify(e.message));
}
