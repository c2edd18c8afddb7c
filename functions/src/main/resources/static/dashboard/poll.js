// Runs a task now and again: never while the tab is hidden (it resumes at once when the tab shows
// again), one run at a time, and backing off up to a minute while it fails.
const MAX_DELAY_MS = 60_000;

export function poll(task, intervalMs, onError = () => {}) {
  let timer = null;
  let stopped = false;
  let running = false;
  let delay = intervalMs;

  async function run() {
    clearTimeout(timer);
    timer = null;
    if (stopped || running || document.hidden) return;
    running = true;
    try {
      if ((await task()) === false) stopped = true;
      delay = intervalMs;
    } catch (e) {
      delay = Math.min(delay * 2, MAX_DELAY_MS);
      if (e.status === 401) stopped = true;
      else onError(e);
    } finally {
      running = false;
    }
    if (!stopped && !document.hidden) timer = setTimeout(run, delay);
  }

  const visibility = () => {
    if (!document.hidden) run();
  };
  document.addEventListener('visibilitychange', visibility);
  run();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', visibility);
    },
    now: run,
  };
}
