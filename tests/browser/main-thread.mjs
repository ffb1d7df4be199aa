// What the page itself does on its main thread, measured with Chromium's tracing rather than with
// wall-clock long tasks: each task's CPU time on that thread (so a busy machine that takes the
// core away does not count), less the garbage collector's share, for the tasks that ran the
// page's own scripts (so the test's own probes and screenshots do not count either).

const CATEGORIES = ['toplevel', 'devtools.timeline', 'v8', '__metadata'];
// Top-level garbage-collection events (the V8.GC_* events nest inside them).
const GC_EVENTS = new Set(['MinorGC', 'MajorGC', 'V8.GCIncrementalMarking', 'V8.GCFinalizeMC']);

/**
 * Starts recording; `stop()` ends it and resolves to the main-thread tasks that ran a script
 * served from `origin`: [{ at (ms since the first task), cpuMs, gcMs, wallMs, scripts }].
 * @param {import('playwright-core').BrowserContext} context @param {import('playwright-core').Page} page
 */
export async function traceMainThread(context, page, origin) {
  const cdp = await context.newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES }, transferMode: 'ReportEvents' });
  return {
    async stop() {
      const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
      await cdp.send('Tracing.end');
      await complete;
      await cdp.detach();
      return pageTasks(events, origin);
    },
  };
}

/** Total length of the union of [start, end) intervals. */
function unionLength(intervals) {
  let total = 0;
  let reach = -Infinity;
  for (const [start, end] of intervals.sort((a, b) => a[0] - b[0])) {
    if (end <= reach) continue;
    total += end - Math.max(start, reach);
    reach = end;
  }
  return total;
}

function pageTasks(events, origin) {
  const threadNames = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args.name);
  const isPageScript = (e) => e.name === 'FunctionCall' && (e.args?.data?.url ?? '').startsWith(origin);
  // The page's main thread: the renderer main thread that ran its scripts.
  const script = events.find((e) => isPageScript(e) && threadNames.get(`${e.pid}:${e.tid}`) === 'CrRendererMain');
  if (!script) throw new Error(`no script from ${origin} ran on a renderer's main thread while tracing`);
  const main = events.filter((e) => e.pid === script.pid && e.tid === script.tid && e.ph === 'X').sort((a, b) => a.ts - b.ts);
  const tasks = main.filter((e) => e.name === 'ThreadControllerImpl::RunTask' && e.tdur != null);
  const first = tasks[0]?.ts ?? 0;
  /** The index of the first event of `main` at or after `ts` (main is sorted by ts). */
  const firstAt = (ts) => {
    let [lo, hi] = [0, main.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (main[mid].ts < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // The events inside a task: from the first that starts with it, while they start before its end or at it
  // (a sweep, not a scan of the whole trace per task: a 30 s trace holds tens of thousands of events).
  const inside = (task) => {
    const found = [];
    for (let i = firstAt(task.ts); i < main.length && main[i].ts <= task.ts + task.dur; i++) {
      const e = main[i];
      if (e !== task && e.ts + e.dur <= task.ts + task.dur) found.push(e);
    }
    return found;
  };
  return tasks.flatMap((task) => {
    const within = inside(task);
    const scripts = within.filter(isPageScript);
    if (!scripts.length) return [];
    const gc = unionLength(within.filter((e) => GC_EVENTS.has(e.name) && e.tts != null)
      .map((e) => [e.tts, e.tts + (e.tdur ?? 0)]));
    return [{
      at: Math.round((task.ts - first) / 1000),
      cpuMs: (task.tdur - gc) / 1000,
      gcMs: gc / 1000,
      wallMs: task.dur / 1000,
      scripts: [...new Set(scripts.map((e) => `${e.args.data.functionName || '(anonymous)'}@${e.args.data.url.split('/').pop()}:${e.args.data.lineNumber}:${e.args.data.columnNumber}`))],
    }];
  });
}
