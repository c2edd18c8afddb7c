import { el, duration, shortSha, svg, when } from './dom.js';

// Each deployment's phases as one stacked bar, oldest on the left, in plain SVG.
export const PHASES = ['clone', 'build', 'start', 'ready'];
const BAR = 18;
const GAP = 6;
const HEIGHT = 140;

export function phaseMs(phase, now = Date.now()) {
  const end = phase.ended_at ? Date.parse(phase.ended_at) : now;
  return Math.max(0, end - Date.parse(phase.started_at));
}

export function phaseChart(deployments) {
  const bars = deployments.slice(0, 30).reverse();
  const total = (d) => d.phases.reduce((sum, p) => sum + phaseMs(p), 0);
  const longest = Math.max(1, ...bars.map(total));
  const width = Math.max(1, bars.length) * (BAR + GAP);
  const chart = svg('svg', {
    class: 'phase-chart', viewBox: `0 0 ${width} ${HEIGHT}`, width, height: HEIGHT, role: 'img',
    'aria-label': `Duration of each phase over the last ${bars.length} deployments, longest ${duration(longest)}`,
  });
  bars.forEach((d, i) => {
    let y = HEIGHT;
    const bar = svg('g', { class: `bar ${d.status}` },
      svg('title', {}, `${when(d.created_at)} ${d.status} ${shortSha(d.commit_sha)}: ${d.phases
        .map((p) => `${p.phase} ${duration(phaseMs(p))}`).join(', ')}`));
    for (const p of d.phases) {
      const h = (phaseMs(p) / longest) * (HEIGHT - 4);
      y -= h;
      bar.append(svg('rect', { x: i * (BAR + GAP), y: y.toFixed(1), width: BAR, height: h.toFixed(1),
        class: `phase-${PHASES.includes(p.phase) ? p.phase : 'other'}` }));
    }
    chart.append(bar);
  });
  const legend = el('ul', { class: 'legend' }, [...PHASES, 'other'].map((p) => el('li', {}, el('span', { class: `swatch phase-${p}` }), p)));
  return el('figure', { class: 'chart' }, chart, legend,
    el('figcaption', {}, `Phases of the last ${bars.length} deployments (longest ${duration(longest)}), oldest first`));
}
