'use strict';
// Timers, immediates, process.nextTick and promise microtasks: the order in
// which Node runs them is decided by the loop's phases (timers, poll, check),
// so a loop that runs its phases in the wrong order fails here.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');

// A failed test can leave handles open: never hang past 45 s.
setTimeout(() => { console.error(`${__filename}: still running after 45 s, giving up`); process.exit(1); }, 45000).unref();

test('nextTick before promise microtasks before timers and immediates', async () => {
  const seen = [];
  // Started from a plain loop callback (the test body itself runs as a
  // promise job, where microtasks would come first).
  await new Promise((resolve) => setTimeout(() => {
    setTimeout(() => seen.push('timeout'), 0);
    setImmediate(() => { seen.push('immediate'); setTimeout(resolve, 5); });
    Promise.resolve().then(() => seen.push('promise'));
    process.nextTick(() => seen.push('tick'));
    seen.push('sync');
  }, 1));
  assert.deepStrictEqual(seen.slice(0, 3), ['sync', 'tick', 'promise']);
  assert.deepStrictEqual(seen.slice(3).sort(), ['immediate', 'timeout']);
});

test('inside an I/O callback, setImmediate runs before setTimeout(0)', async () => {
  for (let round = 0; round < 5; round++) {
    const seen = await new Promise((resolve) => {
      const order = [];
      fs.stat(__filename, () => {
        setTimeout(() => { order.push('timeout'); if (order.length === 2) resolve(order); }, 0);
        setImmediate(() => { order.push('immediate'); if (order.length === 2) resolve(order); });
      });
    });
    assert.deepStrictEqual(seen, ['immediate', 'timeout'], `round ${round}`);
  }
});

test('timers fire in due order, never early, ties in creation order', async () => {
  const fired = [];
  const start = process.hrtime.bigint();
  const delays = [30, 10, 20, 10, 0, 50, 20, 1];
  await new Promise((resolve) => {
    delays.forEach((d, i) => setTimeout(() => {
      fired.push({ i, d, at: Number(process.hrtime.bigint() - start) / 1e6 });
      if (fired.length === delays.length) resolve();
    }, d));
  });
  const want = delays.map((d, i) => ({ d, i })).sort((a, b) => a.d - b.d || a.i - b.i).map((x) => x.i);
  assert.deepStrictEqual(fired.map((f) => f.i), want);
  for (const f of fired) assert.ok(f.at >= f.d - 1, `timer ${f.i} (${f.d} ms) fired at ${f.at.toFixed(2)} ms`);
});

test('clearTimeout, clearImmediate, setInterval, timer.refresh', async () => {
  let cleared = false;
  const t = setTimeout(() => { cleared = true; }, 5);
  clearTimeout(t);
  const im = setImmediate(() => { cleared = true; });
  clearImmediate(im);
  let ticks = 0;
  await new Promise((resolve) => {
    const iv = setInterval(() => { if (++ticks === 5) { clearInterval(iv); resolve(); } }, 2);
  });
  assert.strictEqual(ticks, 5);
  // refresh() pushes the deadline back.
  const start = Date.now();
  await new Promise((resolve) => {
    const r = setTimeout(resolve, 40);
    setTimeout(() => r.refresh(), 20);
  });
  assert.ok(Date.now() - start >= 55, `refreshed timer fired after ${Date.now() - start} ms`);
  await new Promise((r) => setTimeout(r, 10));
  assert.strictEqual(cleared, false, 'a cleared timer or immediate ran');
});

test('nextTick queued from an immediate runs before the next immediate', async () => {
  const seen = [];
  await new Promise((resolve) => {
    setImmediate(() => { seen.push('i1'); process.nextTick(() => seen.push('tick')); });
    setImmediate(() => { seen.push('i2'); resolve(); });
  });
  assert.deepStrictEqual(seen, ['i1', 'tick', 'i2']);
});

test('timers/promises and an unref()ed timer', async () => {
  const { setTimeout: sleep, setImmediate: immediate } = require('node:timers/promises');
  assert.strictEqual(await sleep(5, 'v'), 'v');
  assert.strictEqual(await immediate('w'), 'w');
  const t = setTimeout(() => {}, 100000);
  assert.strictEqual(t.hasRef(), true);
  t.unref();
  assert.strictEqual(t.hasRef(), false);
  const ac = new AbortController();
  const p = sleep(100000, null, { signal: ac.signal });
  ac.abort();
  await assert.rejects(p, { name: 'AbortError' });
});
