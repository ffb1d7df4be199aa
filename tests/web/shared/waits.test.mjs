// The page's start-up waits (web/shared/waits.js): their normal length, and shortened by the
// address's `waits` factor, which the start-up tests use. Run by `node --test tests/web/`.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { waitsFor } from '../../../web/shared/waits.js';

it('waits their normal length unless the address shortens them by a factor in (0, 1)', () => {
  const normal = { startStalledMs: 30_000, threadsStartMs: 20_000, pingIntervalMs: 2000, frozenAfterMs: 5000 };
  for (const search of ['', '?lang=ko', '?waits=0', '?waits=1', '?waits=5', '?waits=-0.1', '?waits=fast']) {
    assert.deepEqual(waitsFor(search), normal, search);
  }
  assert.deepEqual(waitsFor('?waits=0.2'), { startStalledMs: 6000, threadsStartMs: 4000, pingIntervalMs: 400, frozenAfterMs: 1000 });
});
