'use strict';
// Signals: process.on(signal) handlers (uv_signal_t), process.kill to
// ourselves and to children, default dispositions, and exit codes and
// signals as a parent sees them.
const test = require('node:test');
const assert = require('node:assert');
const cp = require('node:child_process');
const { once } = require('node:events');

// A failed test can leave handles open: never hang past 45 s.
setTimeout(() => { console.error(`${__filename}: still running after 45 s, giving up`); process.exit(1); }, 45000).unref();

// Node 24's runner starts each file with every option's default spelled
// out, and --report-signal=SIGUSR2 turns on a diagnostic report per
// SIGUSR2, written into the working directory: only our handlers should
// see it.
if (process.report) process.report.reportOnSignal = false;

test('process.on(SIGUSR2) with process.kill to ourselves', async () => {
  let a = 0;
  let b = 0;
  const ha = () => { a++; };
  const hb = () => { b++; };
  process.on('SIGUSR2', ha);
  process.on('SIGUSR2', hb);
  for (let i = 1; i <= 5; i++) {
    process.kill(process.pid, 'SIGUSR2');
    const t0 = Date.now();
    while (a < i && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 1));
    assert.strictEqual(a, i, `signal ${i} not delivered`);
  }
  assert.strictEqual(b, 5);
  process.removeListener('SIGUSR2', hb);
  process.kill(process.pid, 'SIGUSR2');
  await new Promise((r) => setTimeout(r, 50));
  assert.strictEqual(a, 6);
  assert.strictEqual(b, 5);
  process.removeListener('SIGUSR2', ha);
  assert.strictEqual(process.kill(process.pid, 0), true);
  assert.throws(() => process.kill(2147483, 0), { code: 'ESRCH' });
  assert.throws(() => process.kill(process.pid, 'SIGNOPE'), { code: 'ERR_UNKNOWN_SIGNAL' });
});

function child(src) {
  const c = cp.spawn(process.execPath, ['-e', src], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  c.stdout.on('data', (d) => { out += d; });
  const ready = new Promise((resolve) => c.stdout.on('data', () => { if (out.includes('ready')) resolve(); }));
  const done = new Promise((resolve) => c.on('close', (code, signal) => resolve({ code, signal, out })));
  return { c, ready, done };
}

test('a child handles SIGTERM and SIGINT in JS and chooses its exit code', async () => {
  const { c, ready, done } = child(`
    let n = 0;
    process.on('SIGINT', () => { n++; console.log('int'); });
    process.on('SIGTERM', () => { console.log('term after ' + n); process.exit(3); });
    setInterval(() => {}, 1000);
    console.log('ready');
  `);
  await ready;
  c.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 100));
  c.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 100));
  c.kill('SIGTERM');
  const r = await done;
  assert.strictEqual(r.code, 3);
  assert.match(r.out, /term after 2/);
});

test('default dispositions: a child without handlers dies by the signal', async () => {
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGKILL']) {
    const { c, ready, done } = child(`setInterval(() => {}, 1000); console.log('ready');`);
    await ready;
    c.kill(sig);
    const r = await done;
    assert.deepStrictEqual([r.code, r.signal], [null, sig]);
  }
});

test('a child can signal its parent; SIGPIPE is ignored by Node', async () => {
  let got = 0;
  const h = () => { got++; };
  process.on('SIGUSR2', h);
  const r = await new Promise((resolve) => cp.execFile(process.execPath, ['-e', `process.kill(${process.pid}, 'SIGUSR2'); process.kill(process.pid, 'SIGPIPE'); console.log('alive')`], (e, out) => resolve({ e, out })));
  assert.strictEqual(r.e, null);
  assert.strictEqual(r.out, 'alive\n');
  const t0 = Date.now();
  while (got === 0 && Date.now() - t0 < 5000) await new Promise((res) => setTimeout(res, 5));
  process.removeListener('SIGUSR2', h);
  assert.strictEqual(got, 1);
});

test('a handler keeps a process alive only while other handles are ref()ed', async () => {
  const r = await new Promise((resolve) => cp.execFile(process.execPath, ['-e', `process.on('SIGUSR2', () => {}); console.log('exiting')`], { timeout: 10000 }, (e, out) => resolve({ e, out })));
  assert.strictEqual(r.e, null, 'a signal listener alone kept node alive');
  assert.strictEqual(r.out, 'exiting\n');
});
