'use strict';
// The os module, perf_hooks.performance.eventLoopUtilization(), hrtime,
// resource usage, the memory limits, available parallelism and per-thread
// CPU time that newer Nodes ask libuv for (each where the Node release has
// it), and how a process ends: a clean exit with unref()ed handles still
// open, an uncaught exception's exit code and message, 'beforeExit' and
// 'exit' events, process.exitCode.
const test = require('node:test');
const assert = require('node:assert');
const os = require('node:os');
const cp = require('node:child_process');
const { performance, monitorEventLoopDelay } = require('node:perf_hooks');

const major = Number(process.versions.node.split('.')[0]);

// A failed test can leave handles open: never hang past 45 s.
setTimeout(() => { console.error(`${__filename}: still running after 45 s, giving up`); process.exit(1); }, 45000).unref();

test('os module', () => {
  assert.ok(os.cpus().length >= 1);
  assert.ok(os.cpus().every((c) => typeof c.model === 'string' && c.times.user >= 0));
  assert.ok(os.totalmem() > os.freemem() && os.freemem() > 0);
  assert.ok(os.uptime() > 0);
  assert.strictEqual(os.loadavg().length, 3);
  assert.strictEqual(os.platform(), 'linux');
  assert.strictEqual(os.arch(), 'x64');
  assert.strictEqual(os.type(), 'Linux');
  assert.ok(os.release().length > 0 && os.version().length > 0 && os.machine() === 'x86_64');
  assert.ok(os.hostname().length > 0);
  assert.ok(os.homedir().startsWith('/'));
  assert.ok(os.tmpdir().startsWith('/'));
  const me = os.userInfo();
  assert.strictEqual(me.uid, process.getuid());
  assert.strictEqual(me.gid, process.getgid());
  assert.ok(me.username.length > 0);
  const lo = Object.values(os.networkInterfaces()).flat().find((i) => i.address === '127.0.0.1');
  assert.ok(lo && lo.internal === true && lo.family === 'IPv4' && lo.netmask === '255.0.0.0', JSON.stringify(lo));
  assert.strictEqual(os.getPriority(), os.getPriority(process.pid));
  os.setPriority(os.getPriority() + 1 > 19 ? 19 : os.getPriority() + 1);
  assert.ok(os.getPriority() >= 1);
  assert.ok(os.availableParallelism ? os.availableParallelism() >= 1 : true);
  assert.ok(os.constants.signals.SIGTERM === 15 && os.constants.errno.EMFILE === 24);
});

test('process: hrtime, memory, resource usage, cwd, title', () => {
  const a = process.hrtime.bigint();
  const b = process.hrtime.bigint();
  assert.ok(b >= a);
  const [s, ns] = process.hrtime();
  assert.ok(s >= 0 && ns >= 0 && ns < 1e9);
  assert.ok(process.memoryUsage().rss > 10 * 1024 * 1024);
  assert.ok(process.memoryUsage.rss() > 0);
  const ru = process.resourceUsage();
  assert.ok(ru.maxRSS > 0 && ru.userCPUTime >= 0);
  const cu = process.cpuUsage();
  assert.ok(cu.user > 0);
  assert.ok(process.uptime() > 0);
  assert.strictEqual(process.cwd(), require('node:path').resolve('.'));
  process.chdir('/tmp');
  assert.strictEqual(process.cwd(), '/tmp');
  assert.throws(() => process.chdir('/nonexistent-gouv'), { code: 'ENOENT' });
  process.title = 'gouv-node-test';
  assert.strictEqual(process.title, 'gouv-node-test');
  assert.ok(typeof process.versions.uv === 'string');
});

test('memory limits: availableMemory (20+), constrainedMemory', () => {
  // constrainedMemory: the cgroup's limit, or 0 when there is none (libuv
  // versions read the cgroup differently, so only its range is checked).
  if (typeof process.constrainedMemory === 'function') {
    const c = process.constrainedMemory();
    assert.ok(typeof c === 'number' && c >= 0 && Number.isFinite(c), `constrainedMemory ${c}`);
  } else {
    assert.ok(major < 20, 'Node 20 and later have process.constrainedMemory');
  }
  if (major >= 20) {
    assert.strictEqual(typeof process.availableMemory, 'function');
    const a = process.availableMemory();
    assert.ok(Number.isInteger(a) && a > 0, `availableMemory ${a}`);
    assert.ok(a <= os.totalmem(), `availableMemory ${a} above totalmem ${os.totalmem()}`);
    const c = process.constrainedMemory();
    assert.ok(c === 0 || a <= c, `availableMemory ${a} above the limit ${c}`);
  }
});

test('os.availableParallelism: the CPUs this process may run on', () => {
  assert.strictEqual(typeof os.availableParallelism, 'function');
  const n = os.availableParallelism();
  assert.ok(Number.isInteger(n) && n >= 1 && n <= os.cpus().length, `availableParallelism ${n} of ${os.cpus().length} CPUs`);
});

test('process.threadCpuUsage: this thread\'s CPU time (22+ where present)', { skip: typeof process.threadCpuUsage !== 'function' && 'not in this Node' }, () => {
  // Sampled before the whole process's, which includes it. Only the sums
  // compare: the kernel splits each one's time into user and system by
  // its own estimate.
  const t0 = process.threadCpuUsage();
  const p0 = process.cpuUsage();
  assert.ok(t0.user >= 0 && t0.system >= 0);
  assert.ok(t0.user + t0.system <= p0.user + p0.system, `thread ${JSON.stringify(t0)} above process ${JSON.stringify(p0)}`);
  // Spin until this thread has used 20 ms more (at most 5 s of wall time).
  const start = Date.now();
  let t1 = t0;
  while (Date.now() - start < 5000 && (t1.user + t1.system) - (t0.user + t0.system) < 20000) t1 = process.threadCpuUsage();
  assert.ok((t1.user + t1.system) - (t0.user + t0.system) >= 20000, `thread CPU did not grow: ${JSON.stringify([t0, t1])}`);
  const d = process.threadCpuUsage(t0);
  assert.ok(d.user >= 0 && d.system >= 0 && d.user + d.system >= 20000, JSON.stringify(d));
});

test('perf_hooks: eventLoopUtilization tracks idle and busy time', async () => {
  const e0 = performance.eventLoopUtilization();
  await new Promise((r) => setTimeout(r, 200)); // idle in the poll phase
  const idle = performance.eventLoopUtilization(e0);
  assert.ok(idle.idle > 100, `idle ${idle.idle} ms over 200 ms of waiting`);
  assert.ok(idle.utilization < 0.5, `utilization ${idle.utilization} while sleeping`);
  const e1 = performance.eventLoopUtilization();
  // Busy: block the loop in callbacks for ~200 ms.
  for (let i = 0; i < 4; i++) {
    await new Promise((r) => setImmediate(() => { const t = Date.now(); while (Date.now() - t < 50); r(); }));
  }
  const busy = performance.eventLoopUtilization(e1);
  assert.ok(busy.active >= 150, `active ${busy.active} ms`);
  assert.ok(busy.utilization > 0.5, `utilization ${busy.utilization} while spinning`);
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  await new Promise((r) => setTimeout(r, 100));
  h.disable();
  assert.ok(h.count >= 0 && h.min >= 0);
  assert.ok(performance.now() > 0 && performance.timeOrigin > 0);
});

function run(src, opts = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    cp.execFile(process.execPath, ['-e', src], { timeout: 15000, ...opts }, (e, stdout, stderr) => resolve({
      code: e ? e.code : 0, signal: e ? e.signal : null, killed: e ? e.killed : false, stdout, stderr, ms: Date.now() - t0,
    }));
  });
}

test('a clean exit with unref()ed handles still open', async () => {
  const r = await run(`
    const net = require('net'), dgram = require('dgram'), fs = require('fs');
    setInterval(() => {}, 1000).unref();
    setTimeout(() => {}, 100000).unref();
    const s = net.createServer().listen(0, '127.0.0.1'); s.unref();
    const u = dgram.createSocket('udp4'); u.bind(0, '127.0.0.1'); u.unref();
    const c = net.connect(s.address ? 0 : 0, '127.0.0.1'); c.on('error', () => {}); c.unref();
    const w = fs.watch('/tmp'); w.unref();
    process.on('SIGUSR2', () => {});
    process.on('beforeExit', () => { if (!globalThis.once) { globalThis.once = 1; console.log('beforeExit'); } });
    process.on('exit', (code) => console.log('exit ' + code));
  `);
  assert.strictEqual(r.code, 0, r.stderr);
  assert.strictEqual(r.stdout, 'beforeExit\nexit 0\n');
  assert.ok(r.ms < 10000, `took ${r.ms} ms to exit`);
});

test('beforeExit can schedule more work; exitCode is used', async () => {
  const r = await run(`
    let rounds = 0;
    process.on('beforeExit', () => { if (rounds++ < 3) setTimeout(() => console.log('round ' + rounds), 1); });
    process.exitCode = 9;
  `);
  assert.strictEqual(r.code, 9);
  assert.strictEqual(r.stdout, 'round 1\nround 2\nround 3\n');
});

test('an uncaught exception exits with code 1 and its stack on stderr', async () => {
  const r = await run(`setTimeout(() => { throw new Error('gouv uncaught'); }, 5); setInterval(() => {}, 1000);`);
  assert.strictEqual(r.code, 1);
  assert.match(r.stderr, /Error: gouv uncaught/);
  assert.match(r.stderr, /at Timeout\._onTimeout/);
  // Thrown inside an fs callback and inside a socket callback.
  const f = await run(`require('fs').stat('/', () => { throw new RangeError('in fs cb'); });`);
  assert.strictEqual(f.code, 1);
  assert.match(f.stderr, /RangeError: in fs cb/);
  const n = await run(`
    const net = require('net');
    const s = net.createServer((c) => c.end('x')).listen(0, '127.0.0.1', () => {
      net.connect(s.address().port, '127.0.0.1').on('data', () => { throw new TypeError('in data cb'); });
    });`);
  assert.strictEqual(n.code, 1);
  assert.match(n.stderr, /TypeError: in data cb/);
  // An unhandled rejection also ends the process with 1.
  const p = await run(`Promise.reject(new Error('rejected')); setInterval(() => {}, 1000);`);
  assert.strictEqual(p.code, 1);
  assert.match(p.stderr, /Error: rejected/);
});

test('uncaughtException handler keeps the process going', async () => {
  const r = await run(`
    let n = 0;
    process.on('uncaughtException', (e) => { console.log('caught ' + e.message); if (++n === 3) process.exit(4); });
    for (let i = 0; i < 3; i++) setTimeout(() => { throw new Error('t' + i); }, i * 5);
    setInterval(() => {}, 1000);
  `);
  assert.strictEqual(r.code, 4);
  assert.strictEqual(r.stdout, 'caught t0\ncaught t1\ncaught t2\n');
});

test('process.exit from a callback does not wait for open handles', async () => {
  const r = await run(`
    require('net').createServer().listen(0, '127.0.0.1');
    setInterval(() => {}, 10);
    setTimeout(() => process.exit(6), 20);
  `);
  assert.strictEqual(r.code, 6);
  assert.ok(r.ms < 10000);
});
