'use strict';
// worker_threads: each worker runs its own libuv loop on its own thread,
// woken by uv_async_send when a message arrives. Round trips, transfers,
// MessageChannel, SharedArrayBuffer with Atomics.wait/notify, errors and
// exit codes, terminate(); the thread name a worker is given (Node 24 sets
// it with uv_thread_setname) and a worker's own CPU time (22+).
const test = require('node:test');
const assert = require('node:assert');
const { Worker, MessageChannel, receiveMessageOnPort } = require('node:worker_threads');
const { once } = require('node:events');

// A failed test can leave handles open: never hang past 45 s.
setTimeout(() => { console.error(`${__filename}: still running after 45 s, giving up`); process.exit(1); }, 45000).unref();

const worker = (src, opts) => new Worker(src, { eval: true, ...opts });

test('10,000 postMessage round trips in order', async () => {
  const w = worker(`
    const { parentPort } = require('worker_threads');
    parentPort.on('message', (m) => parentPort.postMessage(m + 1));
  `);
  const N = 10000;
  let next = 0;
  await new Promise((resolve, reject) => {
    w.on('error', reject);
    w.on('message', (m) => {
      if (m !== next + 1) return reject(new Error(`got ${m}, wanted ${next + 1}`));
      next += 2;
      if (next >= N) return resolve();
      w.postMessage(next);
    });
    w.postMessage(0);
  });
  await w.terminate();
});

test('workerData, transferred ArrayBuffer, MessageChannel between workers', async () => {
  const buf = new ArrayBuffer(1 << 20);
  new Uint8Array(buf).fill(9);
  const w = worker(`
    const { parentPort, workerData } = require('worker_threads');
    parentPort.once('message', ({ buf, port }) => {
      const sum = new Uint8Array(buf).reduce((a, b) => a + b, 0);
      port.postMessage({ sum, tag: workerData.tag });
      port.close();
    });
  `, { workerData: { tag: 'wd' } });
  const { port1, port2 } = new MessageChannel();
  w.postMessage({ buf, port: port2 }, [buf, port2]);
  assert.strictEqual(buf.byteLength, 0, 'the buffer was not transferred');
  const exitp = new Promise((resolve) => w.on('exit', resolve));
  const [m] = await once(port1, 'message');
  assert.deepStrictEqual(m, { sum: 9 * (1 << 20), tag: 'wd' });
  port1.close();
  assert.strictEqual(await exitp, 0);
  // receiveMessageOnPort: synchronous receive.
  const ch = new MessageChannel();
  ch.port2.postMessage('sync');
  assert.deepStrictEqual(receiveMessageOnPort(ch.port1), { message: 'sync' });
  ch.port1.close();
});

test('SharedArrayBuffer with Atomics.wait and Atomics.notify across threads', async () => {
  const sab = new SharedArrayBuffer(16);
  const flags = new Int32Array(sab);
  const w = worker(`
    const { workerData: sab, parentPort } = require('worker_threads');
    const f = new Int32Array(sab);
    for (let i = 1; i <= 100; i++) {
      // Wait until the main thread publishes round i, then answer.
      while (Atomics.load(f, 0) < i) Atomics.wait(f, 0, i - 1, 5000);
      Atomics.store(f, 1, i * 10);
      Atomics.notify(f, 1);
    }
    parentPort.postMessage(Atomics.wait(f, 2, 0, 10));
  `, { workerData: sab });
  const exitp = new Promise((resolve) => w.on('exit', resolve));
  const lastp = once(w, 'message');
  for (let i = 1; i <= 100; i++) {
    Atomics.store(flags, 0, i);
    Atomics.notify(flags, 0);
    // The main thread blocks too: the worker must make progress without us.
    const r = Atomics.wait(flags, 1, (i - 1) * 10, 5000);
    assert.notStrictEqual(r, 'timed-out', `round ${i}: worker did not answer`);
    assert.strictEqual(Atomics.load(flags, 1), i * 10);
  }
  const [last] = await lastp;
  assert.strictEqual(last, 'timed-out');
  assert.strictEqual(await exitp, 0);
});

test('errors, exit codes and terminate()', async () => {
  const bad = worker(`setTimeout(() => { throw new Error('worker boom'); }, 1);`);
  // 'exit' follows 'error' in the same tick (and events.once would reject
  // on 'error'), so listen for it first.
  const exitp = new Promise((resolve) => bad.on('exit', (c) => resolve([c])));
  const [err] = await once(bad, 'error');
  assert.strictEqual(err.message, 'worker boom');
  const [code] = await exitp;
  assert.strictEqual(code, 1);
  const ex = worker(`process.exit(5)`);
  assert.strictEqual((await once(ex, 'exit'))[0], 5);
  const busy = worker(`setInterval(() => {}, 1000); require('worker_threads').parentPort.postMessage('up');`);
  await once(busy, 'message');
  const t0 = Date.now();
  assert.strictEqual(await busy.terminate(), 1);
  assert.ok(Date.now() - t0 < 5000);
  // Four workers at once, each with timers and fs on its own loop.
  const many = Array.from({ length: 4 }, (_, i) => worker(`
    const fs = require('fs');
    setTimeout(() => fs.stat('/', (e, st) => {
      require('worker_threads').parentPort.postMessage(${i} + (st.isDirectory() ? 100 : 0));
    }), 10);
  `));
  const exits = many.map((w) => new Promise((resolve) => w.on('exit', resolve)));
  const got = await Promise.all(many.map((w) => once(w, 'message').then(([m]) => m)));
  assert.deepStrictEqual(got, [100, 101, 102, 103]);
  assert.deepStrictEqual(await Promise.all(exits), [0, 0, 0, 0]);
});

const major = Number(process.versions.node.split('.')[0]);

// The kernel's names of this process's threads (at most 15 bytes each).
const threadNames = `
  const fs = require('fs');
  const names = () => fs.readdirSync('/proc/self/task').map((t) => {
    try { return fs.readFileSync('/proc/self/task/' + t + '/comm', 'utf8').trim(); } catch { return ''; }
  });
`;

test('a worker\'s name is its thread\'s name (24+)', { skip: major < 24 && 'Node 24 names threads' }, async () => {
  const w = worker(`${threadNames}
    require('worker_threads').parentPort.postMessage({ names: names(), threadName: require('worker_threads').threadName });
  `, { name: 'gouv-named-w' });
  // The last message and 'exit' can come in one tick: listen for both now.
  const exited = once(w, 'exit');
  const [m] = await once(w, 'message');
  assert.ok(m.names.includes('gouv-named-w'), `thread names: ${m.names}`);
  assert.ok(m.names.includes('MainThread'), `thread names: ${m.names}`);
  assert.strictEqual(m.threadName, 'gouv-named-w');
  await exited;
  // A name longer than the kernel keeps is cut, not refused.
  const long = worker(`${threadNames}
    require('worker_threads').parentPort.postMessage(names());
  `, { name: 'gouv-a-rather-long-worker-name' });
  const longExited = once(long, 'exit');
  const [names] = await once(long, 'message');
  assert.ok(names.includes('gouv-a-rather-l'), `thread names: ${names}`);
  await longExited;
});

test('process.threadCpuUsage in a worker: its own thread (22+ where present)', { skip: typeof process.threadCpuUsage !== 'function' && 'not in this Node' }, async () => {
  const w = worker(`
    const t0 = process.threadCpuUsage();
    const start = Date.now();
    let t1 = t0;
    while (Date.now() - start < 5000 && (t1.user + t1.system) - (t0.user + t0.system) < 30000) t1 = process.threadCpuUsage();
    require('worker_threads').parentPort.postMessage({ t0, t1, p: process.cpuUsage() });
  `);
  const exited = once(w, 'exit');
  const [{ t0, t1, p }] = await once(w, 'message');
  const used = (t1.user + t1.system) - (t0.user + t0.system);
  assert.ok(used >= 30000, `the worker's thread used ${used} us`);
  // Sums only: the kernel's split into user and system is an estimate.
  assert.ok(t1.user + t1.system <= p.user + p.system, `thread ${JSON.stringify(t1)} above process ${JSON.stringify(p)}`);
  await exited;
});
