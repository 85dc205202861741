'use strict';
// The thread pool: zlib, crypto.pbkdf2, crypto.scrypt and crypto.randomFill
// run there and complete on the loop; UV_THREADPOOL_SIZE sets how many run
// at once. Concurrency is observed as the number of threads that use CPU
// during the same window (CPU-bound jobs), or as work that waits for a
// free thread (blocked FIFO reads), not from completion times, which
// other load on the machine reorders.
const test = require('node:test');
const assert = require('node:assert');
const zlib = require('node:zlib');
const crypto = require('node:crypto');
const cp = require('node:child_process');
const { promisify } = require('node:util');

// A failed test can leave handles open: never hang past 45 s.
setTimeout(() => { console.error(`${__filename}: still running after 45 s, giving up`); process.exit(1); }, 45000).unref();

test('zlib: gzip, deflate and brotli round trips, async and streaming', async () => {
  const data = Buffer.from(Array.from({ length: 200000 }, (_, i) => `row ${i % 977};`).join(''));
  const z = await promisify(zlib.gzip)(data);
  assert.ok(z.length < data.length / 5);
  assert.ok((await promisify(zlib.gunzip)(z)).equals(data));
  const d = await promisify(zlib.deflate)(data, { level: 9 });
  assert.ok((await promisify(zlib.inflate)(d)).equals(data));
  const b = await promisify(zlib.brotliCompress)(data);
  assert.ok((await promisify(zlib.brotliDecompress)(b)).equals(data));
  assert.ok(zlib.gunzipSync(zlib.gzipSync(data)).equals(data));
  // 50 streams at once.
  const all = await Promise.all(Array.from({ length: 50 }, (_, i) => new Promise((resolve, reject) => {
    const gz = zlib.createGzip();
    const parts = [];
    gz.on('data', (p) => parts.push(p)).on('end', () => resolve(zlib.gunzipSync(Buffer.concat(parts)).toString())).on('error', reject);
    gz.end(`stream ${i} `.repeat(1000));
  })));
  all.forEach((s, i) => assert.strictEqual(s, `stream ${i} `.repeat(1000)));
  await assert.rejects(promisify(zlib.gunzip)(Buffer.from('not gzip')), { code: 'Z_DATA_ERROR' });
});

test('crypto: pbkdf2, scrypt, randomFill give the known answers', async () => {
  const k = await promisify(crypto.pbkdf2)('password', 'salt', 1, 20, 'sha1');
  assert.strictEqual(k.toString('hex'), '0c60c80f961f0e71f3a9b524af6012062fe037a6'); // RFC 6070
  const s = await promisify(crypto.scrypt)('password', 'NaCl', 64, { N: 1024, r: 8, p: 16 });
  assert.strictEqual(s.toString('hex').slice(0, 32), 'fdbabe1c9d3472007856e7190d01e9fe'); // RFC 7914
  const buf = Buffer.alloc(1 << 16);
  await promisify(crypto.randomFill)(buf);
  assert.ok(buf.some((x) => x !== 0));
});

// Runs N pbkdf2 jobs in a child with the given pool size and reports how
// many of its threads worked on them at once. Completion times are no
// measure of overlap on a shared machine: other processes take CPU from
// some jobs and not others, so equal jobs on four threads can end one by
// one (on the system libuv as well). Instead the child reads each
// thread's CPU time (/proc/.../schedstat, in ns) when it has submitted the
// jobs and then every 10 ms. A thread that ran 10 ms or more since counts
// as busy: helper threads (the Go runtime's monitor, V8's) use a few
// milliseconds in seconds. With one thread it looks until that thread has
// run 40 ms, within the first job (about 200 ms of CPU each); with more,
// until N threads are busy or the busiest has run 160 ms. However loaded
// the machine, every thread with a job in progress gets CPU meanwhile (on
// a crowded machine not in equal shares, hence the wide margins), while
// jobs that wait for a thread get none.
function concurrency(poolSize, n, iterations) {
  const src = `
    const crypto = require('crypto');
    const fs = require('fs');
    const self = String(process.pid); // the main thread's id
    function cpuTimes() {
      const t = new Map();
      for (const tid of fs.readdirSync('/proc/self/task')) {
        if (tid === self) continue;
        try {
          t.set(tid, Number(fs.readFileSync('/proc/self/task/' + tid + '/schedstat', 'latin1').split(' ')[0]));
        } catch {}
      }
      return t;
    }
    let done = 0;
    function measure() {
      for (let i = 0; i < ${n}; i++) {
        crypto.pbkdf2('pw' + i, 'salt', ${iterations}, 32, 'sha256', (e) => {
          if (e) throw e;
          done++;
        });
      }
      const before = cpuTimes();
      const t0 = Date.now();
      const look = () => {
        const ran = [];
        for (const [tid, ns] of cpuTimes()) ran.push(Math.round((ns - (before.get(tid) || 0)) / 1e5) / 10);
        ran.sort((a, b) => b - a);
        const top = ran[0] || 0;
        const enough = ${poolSize} === 1 ? top >= 40 : (ran[${n} - 1] || 0) >= 10 || top >= 160;
        if (!enough && Date.now() - t0 < 10000) return setTimeout(look, 10);
        const busy = ran.filter((ms) => ms >= 10).length;
        process.on('exit', () => {
          if (done !== ${n}) throw new Error('only ' + done + ' jobs completed');
          console.log(JSON.stringify({ busy, ms: ran.slice(0, ${n} + 2), after: Date.now() - t0 }));
        });
      };
      setTimeout(look, 10);
    }
    // A first small job starts the pool (both libraries start it on first
    // use, with a burst of thread creation that is not what we measure).
    crypto.pbkdf2('warm', 'salt', 1, 32, 'sha256', (e) => {
      if (e) throw e;
      setTimeout(measure, 20);
    });`;
  const r = cp.spawnSync(process.execPath, ['-e', src], { env: { ...process.env, UV_THREADPOOL_SIZE: String(poolSize) }, timeout: 30000 });
  assert.strictEqual(r.status, 0, `child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.toString());
}

test('UV_THREADPOOL_SIZE is honoured (1 thread: serial, 4 threads: overlapped)', () => {
  // Calibrate: about 200 ms of CPU for one job here. CPU time, not wall
  // time: other load would make the jobs too short. (With 100 ms jobs and
  // a stop at 80 ms, a crowded machine once gave the fourth thread 9.3 ms
  // while the first ran 82.5.)
  let iterations = 20000;
  const c0 = process.cpuUsage();
  crypto.pbkdf2Sync('pw', 'salt', iterations, 32, 'sha256');
  const c1 = process.cpuUsage(c0);
  const ms = (c1.user + c1.system) / 1000;
  iterations = Math.max(10000, Math.round(iterations * 200 / Math.max(ms, 1)));

  const N = 4;
  const one = concurrency(1, N, iterations);
  const four = concurrency(4, N, iterations);
  const msg = `busy threads: pool 1: ${JSON.stringify(one)}; pool 4: ${JSON.stringify(four)}`;
  // One thread: one job at a time.
  assert.strictEqual(one.busy, 1, `with one thread the jobs did not run one at a time: ${msg}`);
  // Four threads: all four jobs in progress together (a helper thread
  // that happened to run 10 ms would only add to the count).
  assert.ok(four.busy >= N, `with four threads the jobs did not all run at once: ${msg}`);
});

// Exact check, independent of CPU load: reads from empty FIFOs each block a
// pool thread. With UV_THREADPOOL_SIZE=size and size blocked reads, an
// fs.stat waits until a read is released; with one thread more it does not.
function statWhileBlocked(poolSize, blockers) {
  const src = `
    const fs = require('fs'), os = require('os'), path = require('path'), cp = require('child_process');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gouv-fifo-'));
    const fds = [];
    for (let i = 0; i < ${blockers}; i++) {
      const f = path.join(dir, 'q' + i);
      cp.execFileSync('mkfifo', [f]);
      fds.push(fs.openSync(f, 'r+')); // O_RDWR: does not block on open
    }
    for (const fd of fds) fs.read(fd, Buffer.alloc(1), 0, 1, null, () => {});
    const t0 = Date.now();
    let statMs = -1;
    setTimeout(() => fs.stat(dir, () => { statMs = Date.now() - t0; }), 50);
    setTimeout(() => {
      const before = statMs;
      for (const fd of fds) fs.writeSync(fd, 'x'); // release the readers
      const t1 = Date.now();
      const iv = setInterval(() => {
        if (statMs < 0 && Date.now() - t1 < 5000) return;
        clearInterval(iv);
        console.log(JSON.stringify({ before, after: statMs }));
        for (const fd of fds) fs.closeSync(fd);
        fs.rmSync(dir, { recursive: true, force: true });
      }, 5);
    }, 600);`;
  const env = { ...process.env, UV_THREADPOOL_SIZE: String(poolSize) };
  if (poolSize === undefined) delete env.UV_THREADPOOL_SIZE;
  const r = cp.spawnSync(process.execPath, ['-e', src], { env, timeout: 30000 });
  assert.strictEqual(r.status, 0, `child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.toString());
}

test('UV_THREADPOOL_SIZE is honoured exactly (blocked FIFO reads)', () => {
  const full = statWhileBlocked(2, 2);
  assert.strictEqual(full.before, -1, `stat finished while both of 2 threads were blocked: ${JSON.stringify(full)}`);
  assert.ok(full.after > 0, `stat never finished after the readers were released: ${JSON.stringify(full)}`);
  const spare = statWhileBlocked(3, 2);
  assert.ok(spare.before >= 0, `stat waited although a third thread was free: ${JSON.stringify(spare)}`);
  const dflt = statWhileBlocked(undefined, 3);
  assert.ok(dflt.before >= 0, `default pool has fewer than 4 threads: ${JSON.stringify(dflt)}`);
});
