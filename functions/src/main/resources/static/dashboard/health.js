import { api, paths } from './api.js';
import { action, el, svg, when } from './dom.js';

// The agent's health over the last days as up/down bands, and one sample of its CPU and memory.
const DAYS = 7;
const WIDTH = 700;
const HEIGHT = 28;

export function bytes(n) {
  if (n === null || n === undefined) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

const checks = (n) => `${n} check${n === 1 ? '' : 's'}`;

export function healthBands(history) {
  const from = Date.parse(history.from);
  const span = Math.max(1, Date.parse(history.to) - from);
  const x = (iso) => ((Date.parse(iso) - from) / span) * WIDTH;
  const up = history.bands.filter((b) => b.outcome === 'up').length;
  const chart = svg('svg', {
    class: 'health-bands', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT, role: 'img',
    'aria-label': `Health over the last ${DAYS} days: ${up} up and ${history.bands.length - up} down bands from ${checks(history.samples)}`,
  }, svg('rect', { class: 'band-none', x: 0, y: 0, width: WIDTH, height: HEIGHT }));
  for (const band of history.bands) {
    const left = x(band.from);
    // A band of one check still shows: at least a pixel wide.
    const width = Math.max(1, x(band.to) - left);
    chart.append(svg('rect', { class: `band band-${band.outcome === 'up' ? 'up' : 'down'}`, x: left.toFixed(1), y: 0,
      width: width.toFixed(1), height: HEIGHT },
    svg('title', {}, `${band.outcome} from ${when(band.from)} to ${when(band.to)}, ${checks(band.samples)}`
      + `${band.status_code ? `, last HTTP ${band.status_code}` : ''}`)));
  }
  return el('figure', { class: 'chart', id: 'health-history' }, chart,
    el('ul', { class: 'legend' }, ['up', 'down', 'none'].map((o) => el('li', {}, el('span', { class: `swatch band-${o}` }),
      o === 'none' ? 'not checked' : o))),
    el('figcaption', {}, history.bands.length === 0 ? `Not checked in the last ${DAYS} days`
      : `Health over the last ${DAYS} days, ${checks(history.samples)} (${when(history.from)} to ${when(history.to)})`));
}

function statsText(stats) {
  if (stats.cpu_percent === undefined) return el('p', { id: 'stats' }, `${stats.container_name} is ${stats.container_status}: no figures.`);
  const share = stats.memory_limit_bytes ? ` (${((stats.memory_bytes / stats.memory_limit_bytes) * 100).toFixed(1)} %)` : '';
  return el('dl', { id: 'stats', class: 'stats' },
    el('dt', {}, 'CPU'), el('dd', { 'data-stat': 'cpu' }, `${stats.cpu_percent.toFixed(1)} %`),
    el('dt', {}, 'Memory'), el('dd', { 'data-stat': 'memory' }, `${bytes(stats.memory_bytes)} of ${bytes(stats.memory_limit_bytes)}${share}`),
    el('dt', {}, 'Processes'), el('dd', { 'data-stat': 'pids' }, String(stats.pids)),
    el('dt', {}, 'Sampled'), el('dd', {}, `${when(stats.at)} (${stats.container_name})`));
}

/** The panel: bands and stats on open, again on Refresh, and stats again when the running container changes. */
export function healthPanel(agentName, onError) {
  const bands = el('div', {}, el('p', {}, 'Loading…'));
  const stats = el('div', {});
  let containerName;

  async function loadBands() {
    bands.replaceChildren(healthBands(await api(paths.healthHistory(agentName, DAYS))));
  }

  async function loadStats() {
    stats.replaceChildren(containerName ? statsText(await api(paths.stats(containerName)))
      : el('p', { id: 'stats' }, 'No container of this agent runs.'));
  }

  const refresh = () => Promise.all([loadBands(), loadStats()]);
  const node = el('section', { 'aria-labelledby': 'health-title' }, el('h3', { id: 'health-title' }, 'Health and resources'),
    bands, stats, action('Refresh', refresh, { 'data-action': 'refresh-health' }));
  loadBands().catch(onError);
  return {
    node,
    /** The container to sample: a new one is sampled at once. */
    follow(name) {
      if (name === containerName) return;
      containerName = name;
      loadStats().catch(onError);
    },
  };
}
