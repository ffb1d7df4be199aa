// CPU time of the threads of this process's descendants (the browser the test started, its
// servers), from Linux's /proc, grouped by what they do: it tells the training workers' CPU from
// the page's main thread, the compositor's and the harness's, whatever else the machine runs
// (CPU time, unlike wall time, is not taken away by other work). Empty where /proc is missing.

import fs from 'node:fs';

const TICK_MS = 1000 / 100; // USER_HZ

function childrenOf(pid) {
  const found = [];
  let threads = [];
  try {
    threads = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return found;
  }
  for (const tid of threads) {
    try {
      found.push(...fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {
      // the thread ended
    }
  }
  return found;
}

/** Which group a thread belongs to, from its process type and thread name. */
function groupOf(processType, thread) {
  if (processType === 'renderer' && thread === 'DedicatedWorker') return 'workers';
  if (processType === 'renderer' && thread === 'chromium') return 'page main thread';
  if (/Compositor|Viz|Raster|Gpu|gpu/.test(thread) || processType === 'gpu-process') return 'compositing';
  if (processType === 'node') return 'servers';
  return 'rest of the browser';
}

/** CPU ms so far by group ({ group: ms }), over the threads of this process's descendants. */
export function threadCpu() {
  /** @type {Record<string, number>} */
  const byGroup = {};
  const pending = childrenOf(process.pid);
  while (pending.length) {
    const pid = pending.pop();
    pending.push(...childrenOf(pid));
    let processType;
    let threads;
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      processType = cmdline.match(/--type=([\w-]+)/)?.[1] ?? (/chrom/.test(cmdline.split('\0')[0]) ? 'browser' : 'node');
      threads = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // it ended
    }
    for (const tid of threads) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const group = groupOf(processType, name);
        byGroup[group] = (byGroup[group] ?? 0) + (Number(fields[11]) + Number(fields[12])) * TICK_MS;
      } catch {
        // the thread ended
      }
    }
  }
  const own = process.cpuUsage();
  byGroup.harness = (own.user + own.system) / 1000;
  return byGroup;
}

/** What each group used between two threadCpu() readings, in ms. */
export function cpuBetween(before, after) {
  return Object.fromEntries(Object.keys(after).map((group) => [group, Math.max(0, after[group] - (before[group] ?? 0))]));
}
