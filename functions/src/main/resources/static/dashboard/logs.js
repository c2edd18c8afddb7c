import { api, paths } from './api.js';
import { action, el, notify } from './dom.js';
import { poll } from './poll.js';

// A container's runtime logs: a tail, then followed by asking for what came since the last line.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g;

export function logsPanel(containerName) {
  const search = el('input', { id: 'logs-search', type: 'search', placeholder: 'search' });
  const follow = el('input', { id: 'logs-follow', type: 'checkbox', checked: true });
  const view = el('div', { id: 'logs', class: 'log', role: 'log', tabindex: '0', 'aria-label': `Logs of ${containerName}` });
  let lines = [];
  let seenAtLast = new Set();

  function render() {
    const words = search.value.toLowerCase();
    const stick = view.scrollTop + view.clientHeight >= view.scrollHeight - 20;
    view.replaceChildren(...lines.filter((l) => !words || l.text.toLowerCase().includes(words))
      .map((l) => el('div', { class: `log-line ${l.stream}` }, l.text)));
    if (stick) view.scrollTop = view.scrollHeight;
  }

  function add(fetched) {
    const last = lines.length ? lines[lines.length - 1].time : null;
    for (const line of fetched) {
      const key = `${line.time}|${line.stream}|${line.text}`;
      // since includes the last line's second: what was already shown comes again
      if (last && line.time && line.time <= last && seenAtLast.has(key)) continue;
      lines.push({ ...line, text: line.text.replace(ANSI, '') });
    }
    const newest = lines.length ? lines[lines.length - 1].time : null;
    seenAtLast = new Set(lines.filter((l) => l.time === newest).map((l) => `${l.time}|${l.stream}|${l.text}`));
    if (lines.length > 5000) lines = lines.slice(-5000);
  }

  async function fetchLines() {
    const newest = lines.length ? lines[lines.length - 1].time : null;
    const query = newest ? `since=${encodeURIComponent(newest)}` : 'tail=500';
    add((await api(paths.logs(containerName, query))).lines);
    render();
  }

  function download() {
    const text = lines.map((l) => `${l.time || ''} ${l.stream} ${l.text}`).join('\n');
    const link = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/plain' })), download: `${containerName}.log` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  let following = null;
  function followNow() {
    if (following) following.stop();
    following = follow.checked ? poll(fetchLines, 2000, (e) => notify(e.message)) : null;
  }
  follow.addEventListener('change', followNow);
  search.addEventListener('input', render);
  const node = el('section', { class: 'logs', 'aria-labelledby': 'logs-title' },
    el('h3', { id: 'logs-title' }, `Logs of ${containerName}`),
    el('div', { class: 'toolbar' },
      el('label', { for: 'logs-search' }, 'Search'), search,
      follow, el('label', { for: 'logs-follow' }, 'Follow'),
      action('Refresh', fetchLines), action('Download', async () => download())),
    view);
  followNow();
  if (!following) fetchLines().catch((e) => notify(e.message));
  return { node, stop: () => following && following.stop() };
}
