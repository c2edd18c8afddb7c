import { api, paths } from './api.js';
import { el, notify, table, when } from './dom.js';
import { poll } from './poll.js';

export function auditView(root) {
  const filter = el('input', { id: 'audit-filter', type: 'search', placeholder: 'agent, action, who…' });
  const body = el('div', { id: 'audit' }, el('p', {}, 'Loading…'));
  let entries = [];
  root.append(el('h2', {}, 'Audit trail'),
    el('div', { class: 'toolbar' }, el('label', { for: 'audit-filter' }, 'Filter'), filter), body);

  function render() {
    const words = filter.value.trim().toLowerCase();
    const shown = entries.filter((e) => !words
      || [e.agent_name, e.action, e.principal, e.outcome, e.target].join(' ').toLowerCase().includes(words));
    body.replaceChildren(shown.length === 0 ? el('p', {}, 'No entry.')
      : table(['When', 'Action', 'Agent', 'Target', 'Outcome', 'Who', 'From'], shown.map((e) => el('tr', {},
        el('td', {}, when(e.at)), el('td', {}, e.action), el('td', {}, e.agent_name || ''),
        el('td', { class: 'mono' }, e.target || ''), el('td', {}, e.outcome || ''),
        el('td', {}, e.principal || ''), el('td', {}, e.source_ip || '')))));
  }

  filter.addEventListener('input', render);
  return poll(async () => {
    entries = (await api(paths.audit(100))).entries;
    render();
  }, 10000, (e) => notify(e.message));
}
