// The targets of the performance issue (16), shared by the Node and browser benchmarks: each a
// ratio or a time from one run, with ✓/✗.

// PyTorch 1.13 with OpenBLAS at 1 thread on this machine type (TOOLCHAIN reference, 440-546 img/s)
// stands in when it is not installed; such ratios are marked "reference".
export const TORCH_REFERENCE_IMG_S = 490;

/** PyTorch's 1-thread training img/s (the `figure` of its result: wall clock or CPU time) and where it comes from. */
export function torchBasis(pytorch, figure = 'img_per_s') {
  const measured = pytorch?.train?.['1']?.[figure];
  if (measured && !pytorch.blas?.startsWith('not')) return { value: measured, basis: 'measured' };
  return { value: TORCH_REFERENCE_IMG_S, basis: 'reference 440-546' };
}

export function target(name, value, wanted, { lower = false, basis = 'measured' } = {}) {
  return { name, value, target: wanted, lower, met: value == null || Number.isNaN(value) ? null : lower ? value <= wanted : value >= wanted, basis };
}

export function fmt(v, digits = 1) {
  return v == null || Number.isNaN(v) ? '—' : Number(v).toFixed(digits);
}

export function targetLines(list) {
  return list.map((r) => `  ${r.met == null ? ' ' : r.met ? '✓' : '✗'} ${r.name.padEnd(46)} ${fmt(r.value, 2).padStart(8)}  target ${r.lower ? '≤' : '≥'} ${r.target}${r.basis !== 'measured' ? `  (${r.basis})` : ''}`);
}
