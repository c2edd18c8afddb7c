import { api, paths } from './api.js';
import { action, duration, el, needsScope, notify, portsText, shortSha, table, when } from './dom.js';
import { phaseChart, phaseMs } from './chart.js';
import { healthPanel } from './health.js';
import { logsPanel } from './logs.js';
import { poll } from './poll.js';

// Statuses of deployments that ran: the ones a rollback can run again.
const RAN = new Set(['running', 'stopped', 'removed', 'replaced', 'exited', 'lost']);

export function agentView(root, agentName) {
  const containers = el('div', { id: 'containers' }, el('p', {}, 'Loading…'));
  const rollback = el('div', { id: 'rollback' });
  const history = el('div', { id: 'history' });
  const logs = el('div', { id: 'logs-panel' });
  const health = healthPanel(agentName, (e) => notify(e.message));
  let logsOf = null;
  let candidatesKey = null;

  root.append(el('h2', {}, `Agent ${agentName}`),
    el('section', { 'aria-labelledby': 'containers-title' }, el('h3', { id: 'containers-title' }, 'Containers'), containers),
    health.node,
    logs,
    el('section', { 'aria-labelledby': 'rollback-title' }, el('h3', { id: 'rollback-title' }, 'Roll back'), rollback),
    el('section', { 'aria-labelledby': 'history-title' }, el('h3', { id: 'history-title' }, 'History'), history));

  function showLogs(containerName) {
    if (logsOf && logsOf.name === containerName) return;
    if (logsOf) logsOf.panel.stop();
    logsOf = containerName ? { name: containerName, panel: logsPanel(containerName) } : null;
    logs.replaceChildren(logsOf ? logsOf.panel.node : '');
  }

  async function stop(containerName, remove) {
    await api(paths.stop(), { method: 'POST', body: { container_name: containerName, remove } });
    notify(`${containerName} ${remove ? 'removed' : 'stopped'}`, 'info');
    await refresh.now();
  }

  function renderContainers(mine, newest) {
    const redeploy = newest ? needsScope(el('a', { class: 'button', id: 'redeploy', href: `#/deploy?${new URLSearchParams({
      agent: agentName, repo: newest.repo_url || '', branch: newest.branch || '' })}` }, 'Redeploy'), 'vm:deploy') : null;
    containers.replaceChildren(mine.length === 0 ? el('p', {}, 'No container of this agent runs.')
      : table(['Container', 'Status', 'Health', 'Commit', 'Ports', 'Started', ''], mine.map((c) =>
        el('tr', { 'data-container': c.container_name },
          el('td', {}, c.container_name), el('td', {}, el('span', { class: `status ${c.status}` }, c.status)),
          el('td', {}, c.last_probe_outcome ? `${c.last_probe_outcome} (${when(c.last_probe_at)})` : 'not probed yet'),
          el('td', { class: 'mono' }, shortSha(c.commit_sha)), el('td', {}, portsText(c.ports)), el('td', {}, when(c.created)),
          el('td', { class: 'actions' },
            action('Logs', async () => showLogs(c.container_name)),
            c.status === 'running' ? needsScope(action('Stop', () => stop(c.container_name, false), { 'data-action': 'stop' }), 'vm:stop') : null,
            needsScope(action('Remove', () => stop(c.container_name, true), { 'data-action': 'remove' }), 'vm:stop'))))),
      redeploy || '');
  }

  function renderRollback(deployments) {
    const candidates = deployments.filter((d) => RAN.has(d.status) && d.image);
    const key = candidates.map((d) => d.deployment_id).join();
    if (key === candidatesKey) return;
    candidatesKey = key;
    if (candidates.length === 0) {
      rollback.replaceChildren(el('p', {}, 'No earlier deployment to roll back to.'));
      return;
    }
    const picker = el('select', { id: 'rollback-to' }, candidates.map((d) => el('option', { value: d.deployment_id },
      `${when(d.created_at)} · ${shortSha(d.commit_sha)} · ${d.image}${d.status === 'running' ? ' (running now)' : ''}`)));
    rollback.replaceChildren(el('label', { for: 'rollback-to' }, 'Deployment to run again'), picker,
      el('p', { class: 'hint' }, 'Its image runs again with the environment of the agent\'s running container; '
        + 'environment values are never stored.'),
      needsScope(action('Roll back', async () => {
        const result = await api(paths.rollback(), { method: 'POST', body: { agent_name: agentName, deployment_id: picker.value } });
        notify(`Rolled back: ${result.container_name} is ${result.status}`, 'info');
        await refresh.now();
      }, { id: 'rollback-button' }), 'vm:deploy'));
  }

  function renderHistory(deployments) {
    history.replaceChildren(deployments.length === 0 ? el('p', {}, 'No deployment yet.') : phaseChart(deployments),
      table(['When', 'Status', 'Commit', 'Image', 'Who', 'Took'], deployments.map((d) => el('tr', {},
        el('td', {}, el('a', { href: `#/deployment/${encodeURIComponent(d.deployment_id)}` }, when(d.created_at))),
        el('td', {}, el('span', { class: `status ${d.status}` }, d.status), d.rollback_of ? ' (rollback)' : ''),
        el('td', { class: 'mono' }, shortSha(d.commit_sha)), el('td', { class: 'mono' }, d.image || ''),
        el('td', {}, (d.requested_by && d.requested_by.principal) || ''),
        el('td', {}, duration(d.phases.reduce((sum, p) => sum + phaseMs(p), 0)))))));
  }

  const refresh = poll(async () => {
    const [listed, { deployments }] = await Promise.all([api(paths.list()), api(paths.deployments(agentName, 30))]);
    const mine = listed.filter((c) => c.agent_name === agentName);
    renderContainers(mine, deployments[0]);
    renderRollback(deployments);
    renderHistory(deployments);
    const running = mine.find((c) => c.status === 'running') || mine[0];
    health.follow(running ? running.container_name : null);
    if (!logsOf || !mine.some((c) => c.container_name === logsOf.name)) showLogs(running ? running.container_name : null);
  }, 5000, (e) => notify(e.message));

  return { stop: () => { refresh.stop(); if (logsOf) logsOf.panel.stop(); } };
}
