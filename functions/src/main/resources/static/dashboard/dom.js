// Builds the page from data as text only: every value from the API goes in through text nodes
// or attributes, never as HTML.
import { callerScopes } from './api.js';

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

function setAttributes(node, attrs) {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'value') node.value = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
}

export function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function notify(message, kind = 'error') {
  const notice = document.getElementById('notice');
  notice.className = kind;
  notice.textContent = message;
  notice.hidden = !message;
}

export function shortSha(sha) {
  return sha ? sha.slice(0, 10) : '';
}

export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '';
  const s = Math.max(0, Math.round(ms / 100) / 10);
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} d ${h % 24} h`;
}

export function since(iso) {
  return iso ? duration(Date.now() - Date.parse(iso)) : '';
}

export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

export function portsText(ports) {
  return Object.entries(ports || {}).map(([inside, host]) => `${host} → ${inside}`).join(', ');
}

export function table(headings, rows, attrs = {}) {
  return el('table', attrs,
    el('thead', {}, el('tr', {}, headings.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows));
}

/**
 * Disables a control the caller's credential may not use, its title naming the scope it lacks.
 * Whatever the page shows, the API checks the scope again.
 */
export function needsScope(node, scope) {
  callerScopes().then((scopes) => {
    if (!scopes || scopes.has(scope)) return;
    node.dataset.missingScope = scope;
    node.title = `Needs the scope ${scope}`;
    if (node.tagName === 'A') {
      node.removeAttribute('href');
      node.setAttribute('aria-disabled', 'true');
      node.classList.add('disabled');
    } else {
      node.disabled = true;
    }
  });
  return node;
}

/** A button that runs an action once at a time and shows its error. */
export function action(label, run, attrs = {}) {
  const button = el('button', { type: 'button', ...attrs }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await run();
    } catch (e) {
      notify(e.message);
    } finally {
      button.disabled = Boolean(button.dataset.missingScope);
    }
  });
  return button;
}
