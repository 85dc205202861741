'use strict';
// The thread pool: zlib, crypto.pbkdf2, crypto.scrypt and crypto.randomFill
// run there and complete on the loop; UV_THREADPOOL_SIZE sets how many run
// at once. Concurrency is observed from completion times, which a busy
// machine stretches but does not reorder: with one thread, N equal jobs
// finish one after another (the first at about 1/N of the total); with
// four threads they run together and finish close to each other.
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

// Runs N pbkdf2 jobs in a child with the given pool size; returns the
// completion times in ms from the start.
function completions(poolSize, n, iterations) {
  const src = `
    const crypto = require('crypto');
    const t0 = process.hrtime.bigint();
    const done = [];
    for (let i = 0; i < ${n}; i++) {
      crypto.pbkdf2('pw' + i, 'salt', ${iterations}, 32, 'sha256', (e) => {
        if (e) throw e;
        done.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (done.length === ${n}) console.log(JSON.stringify(done));
      });
    }`;
  const r = cp.spawnSync(process.execPath, ['-e', src], { env: { ...process.env, UV_THREADPOOL_SIZE: String(poolSize) }, timeout: 30000 });
  assert.strictEqual(r.status, 0, `child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.toString());
}

test('UV_THREADPOOL_SIZE is honoured (1 thread: serial, 4 threads: overlapped)', () => {
  // Calibrate: about 40 ms for one job here.
  let iterations = 20000;
  const t0 = process.hrtime.bigint();
  crypto.pbkdf2Sync('pw', 'salt', iterations, 32, 'sha256');
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  iterations = Math.max(2000, Math.round(iterations * 40 / Math.max(ms, 1)));

  const N = 4;
  const one = completions(1, N, iterations);
  const four = completions(4, N, iterations);
  // One thread: jobs end one by one; the first ends early (ideally 1/4 of
  // the total) and the gaps between ends are each a job's length.
  const oneRatio = one[0] / one[N - 1];
  // Four threads: all start together and share the CPU; the first ends
  // late (ideally at the total) since all progressed together.
  const fourRatio = four[0] / four[N - 1];
  const msg = `pool 1: ${one.map((x) => x.toFixed(0))} ms; pool 4: ${four.map((x) => x.toFixed(0))} ms`;
  assert.ok(oneRatio < 0.45, `with one thread the jobs overlapped: ${msg}`);
  // Four threads on two or more CPUs also finish sooner in all. Either
  // sign is enough: the other tests of a parallel run can take CPU from
  // some of the jobs and not others, which spreads their ends.
  const sooner = four[N - 1] < 0.75 * one[N - 1];
  assert.ok(sooner || fourRatio > oneRatio + 0.15, `with four threads the jobs ran one by one: ${msg}`);
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
