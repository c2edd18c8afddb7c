import { api, paths } from './api.js';
import { action, duration, el, needsScope, notify, shortSha } from './dom.js';
import { PHASES, phaseMs } from './chart.js';
import { poll } from './poll.js';

const UNDER_WAY = new Set(['queued', 'cloning', 'building', 'starting', 'waiting_ready', 'cancelling']);

// The build's output as lines of text: a \r starts its line again (progress bars), as a terminal does.
export function logWriter(view) {
  let line = null;
  let carriage = false;
  const newLine = () => {
    line = el('div', { class: 'log-line' });
    view.append(line);
    carriage = false;
  };
  return (text) => {
    for (const part of text.split(/(\r\n|\n|\r)/)) {
      if (part === '\n' || part === '\r\n') newLine();
      else if (part === '\r') carriage = true;
      else if (part) {
        if (!line) newLine();
        if (carriage) line.textContent = '';
        carriage = false;
        line.textContent += part;
      }
    }
  };
}

export function deploymentView(root, id) {
  const title = el('h2', {}, 'Deployment');
  const summary = el('p', { id: 'deployment-summary' });
  const stepper = el('ol', { id: 'stepper', class: 'stepper', 'aria-label': 'Phases' });
  const failure = el('div', { id: 'failure' });
  const buildLog = el('div', { id: 'build-log', class: 'log', role: 'log', tabindex: '0', 'aria-label': 'Build log' });
  const write = logWriter(buildLog);
  const cancel = needsScope(action('Cancel', async () => {
    await api(paths.deployment(id), { method: 'DELETE' });
    await record.now();
  }, { id: 'cancel-button', hidden: true }), 'vm:deploy');
  let offset = 0;
  let deployment = null;
  root.append(title, summary, cancel, stepper, failure, el('h3', {}, 'Build log'), buildLog);

  function renderStepper(d) {
    // The phases as they ran, then those of a deploy still to come.
    const expected = d.rollback_of ? PHASES.slice(2) : PHASES;
    const names = [...new Set([...d.phases.map((p) => p.phase), ...(UNDER_WAY.has(d.status) ? expected : [])])];
    // A cancel ends the phase it came in: that phase did not finish, whatever its end time says.
    const stopped = d.status === 'cancelled' && d.phases.length ? d.phases[d.phases.length - 1].phase : null;
    stepper.replaceChildren(...names.map((name) => {
      const phase = d.phases.find((p) => p.phase === name);
      let state = 'pending';
      if (phase) state = phase.ended_at ? 'done' : 'current';
      if (d.failure_phase === name) state = 'failed';
      if (state === 'current' && !UNDER_WAY.has(d.status)) state = 'done';
      if (name === stopped) state = 'cancelled';
      return el('li', { class: `step ${state}`, 'data-phase': name },
        el('span', { class: 'name' }, name), el('span', { class: 'state' }, state),
        el('span', { class: 'elapsed' }, phase ? duration(phaseMs(phase)) : ''));
    }));
  }

  function renderFailure(d) {
    if (d.status !== 'failed') {
      failure.replaceChildren();
      return;
    }
    const lines = [...buildLog.children].slice(-30).map((l) => l.textContent);
    failure.replaceChildren(el('h3', {}, `Failed in ${d.failure_phase || 'an unknown phase'}`),
      d.detail ? el('pre', { class: 'detail' }, d.detail) : null,
      lines.length ? el('pre', { class: 'tail' }, lines.join('\n')) : null);
  }

  const record = poll(async () => {
    deployment = await api(paths.deployment(id));
    const d = deployment;
    title.replaceChildren(`Deployment of `, el('a', { href: `#/agent/${encodeURIComponent(d.agent_name)}` }, d.agent_name));
    summary.replaceChildren(el('span', { class: `status ${d.status}`, id: 'deployment-status' }, d.status),
      ` ${shortSha(d.commit_sha)} ${d.image || ''} ${d.container_name || ''}`);
    cancel.hidden = !UNDER_WAY.has(d.status);
    renderStepper(d);
    renderFailure(d);
    return UNDER_WAY.has(d.status);
  }, 1000, (e) => notify(e.message));

  const output = poll(async () => {
    const page = await api(paths.buildLog(id, offset));
    const stick = buildLog.scrollTop + buildLog.clientHeight >= buildLog.scrollHeight - 20;
    write(page.log);
    offset = page.next_offset;
    if (stick) buildLog.scrollTop = buildLog.scrollHeight;
    if (deployment) renderFailure(deployment);
    return !page.complete;
  }, 1000, (e) => notify(e.message));

  return { stop: () => { record.stop(); output.stop(); } };
}
