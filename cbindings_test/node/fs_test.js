'use strict';
// fs through all four APIs (sync, callback, promises, streams) on one large
// file and on many small ones, plus fs.watch (inotify) and fs.watchFile
// (stat polling), and fs.statfs. The callback, promise and stream APIs run
// on the thread pool and complete on the loop.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { pipeline } = require('node:stream/promises');

// A failed test can leave handles open: never hang past 45 s.
setTimeout(() => { console.error(`${__filename}: still running after 45 s, giving up`); process.exit(1); }, 45000).unref();

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gouv-node-fs-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

const BIG = 64 * 1024 * 1024;
const MANY = 2000;
const sha = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

// 64 MiB of a pattern that differs in every 1 KiB block.
function bigData() {
  const b = Buffer.allocUnsafe(BIG);
  for (let off = 0; off < BIG; off += 1024) { b.fill(off / 1024 & 0xff, off, off + 1024); b.writeUInt32LE(off, off); }
  return b;
}

test('large file: sync, callback, promises and streams agree', async () => {
  const data = bigData();
  const want = sha(data);
  const a = path.join(dir, 'big-a');
  fs.writeFileSync(a, data);
  assert.strictEqual(fs.statSync(a).size, BIG);
  assert.strictEqual(sha(fs.readFileSync(a)), want, 'readFileSync');

  const b = path.join(dir, 'big-b');
  await new Promise((res, rej) => fs.writeFile(b, data, (e) => (e ? rej(e) : res())));
  const viaCb = await new Promise((res, rej) => fs.readFile(b, (e, d) => (e ? rej(e) : res(d))));
  assert.strictEqual(sha(viaCb), want, 'fs.readFile');

  const c = path.join(dir, 'big-c');
  await fsp.writeFile(c, data);
  assert.strictEqual(sha(await fsp.readFile(c)), want, 'fs.promises.readFile');

  // Streams: copy in 64 KiB chunks through a hash, then compare the copy.
  const d = path.join(dir, 'big-d');
  await pipeline(fs.createReadStream(a, { highWaterMark: 65536 }), fs.createWriteStream(d));
  const h = crypto.createHash('sha256');
  let chunks = 0;
  for await (const chunk of fs.createReadStream(d)) { h.update(chunk); chunks++; }
  assert.strictEqual(h.digest('hex'), want, 'stream copy');
  assert.ok(chunks >= BIG / (64 * 1024), `only ${chunks} chunks`);

  // Positional reads and writes through a FileHandle.
  const fh = await fsp.open(c, 'r+');
  const probe = Buffer.alloc(8);
  const { bytesRead } = await fh.read(probe, 0, 8, 40 * 1024 * 1024);
  assert.strictEqual(bytesRead, 8);
  assert.strictEqual(probe.readUInt32LE(0), 40 * 1024 * 1024);
  await fh.write(Buffer.from('gouv'), 0, 4, BIG - 4);
  await fh.truncate(BIG - 2);
  await fh.close();
  const tail = Buffer.alloc(2);
  const fd = fs.openSync(c, 'r');
  assert.strictEqual(fs.readSync(fd, tail, 0, 2, BIG - 4), 2);
  fs.closeSync(fd);
  assert.strictEqual(tail.toString(), 'go');
  assert.strictEqual((await fsp.stat(c)).size, BIG - 2);
  for (const f of [a, b, c, d]) await fsp.unlink(f);
});

test(`many files: ${MANY} files through callbacks, promises and sync`, async () => {
  const sub = path.join(dir, 'many');
  await fsp.mkdir(path.join(sub, 'x', 'y'), { recursive: true });
  // Callback API, all in flight at once.
  await new Promise((resolve, reject) => {
    let left = MANY;
    for (let i = 0; i < MANY; i++) {
      fs.writeFile(path.join(sub, `f${i}`), `file ${i}\n`, (e) => {
        if (e) return reject(e);
        if (--left === 0) resolve();
      });
    }
  });
  const names = await fsp.readdir(sub);
  assert.strictEqual(names.filter((n) => n.startsWith('f')).length, MANY);
  // Promise API, all at once.
  const texts = await Promise.all(Array.from({ length: MANY }, (_, i) => fsp.readFile(path.join(sub, `f${i}`), 'utf8')));
  texts.forEach((t, i) => assert.strictEqual(t, `file ${i}\n`));
  // Sync API and dirents.
  const dirents = fs.readdirSync(sub, { withFileTypes: true });
  assert.strictEqual(dirents.filter((e) => e.isFile()).length, MANY);
  assert.ok(dirents.find((e) => e.name === 'x').isDirectory());
  let total = 0;
  for (let i = 0; i < MANY; i += 7) total += fs.statSync(path.join(sub, `f${i}`)).size;
  assert.ok(total > 0);
  // Rename, copy, symlink, access, errors.
  await fsp.rename(path.join(sub, 'f0'), path.join(sub, 'x', 'moved'));
  await fsp.copyFile(path.join(sub, 'x', 'moved'), path.join(sub, 'x', 'y', 'copy'));
  await fsp.symlink(path.join(sub, 'x', 'moved'), path.join(sub, 'link'));
  assert.strictEqual(await fsp.readlink(path.join(sub, 'link')), path.join(sub, 'x', 'moved'));
  assert.strictEqual(fs.readFileSync(path.join(sub, 'link'), 'utf8'), 'file 0\n');
  await fsp.access(path.join(sub, 'x', 'y', 'copy'), fs.constants.R_OK);
  await assert.rejects(fsp.readFile(path.join(sub, 'f0')), { code: 'ENOENT' });
  await assert.rejects(fsp.mkdir(path.join(sub, 'x')), { code: 'EEXIST' });
  await assert.rejects(fsp.rmdir(path.join(sub, 'x')), { code: 'ENOTEMPTY' });
  assert.throws(() => fs.readFileSync(sub), { code: 'EISDIR' });
  await new Promise((resolve) => fs.open(path.join(sub, 'nope', 'z'), 'r', (e) => {
    assert.strictEqual(e && e.code, 'ENOENT');
    resolve();
  }));
  await fsp.rm(sub, { recursive: true });
  assert.strictEqual(fs.existsSync(sub), false);
});

test('fs.watch reports changes and renames in a directory', async () => {
  const wdir = fs.mkdtempSync(path.join(dir, 'watch-'));
  const events = [];
  const watcher = fs.watch(wdir);
  const got = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fs.watch: events so far ${JSON.stringify(events)}`)), 5000);
    watcher.on('change', (type, name) => {
      events.push([type, String(name)]);
      if (events.some((e) => e[1] === 'w1') && events.some((e) => e[1] === 'w2')) { clearTimeout(timer); resolve(); }
    });
    watcher.on('error', reject);
  });
  setTimeout(() => {
    fs.writeFileSync(path.join(wdir, 'w1'), 'a');
    fs.renameSync(path.join(wdir, 'w1'), path.join(wdir, 'w2'));
  }, 50);
  await got;
  watcher.close();
  assert.ok(events.some(([t]) => t === 'rename'), JSON.stringify(events));

  // Watching a single file: a write is a 'change'.
  const file = path.join(wdir, 'w2');
  const fw = fs.watch(file);
  const changed = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no change event for a watched file')), 5000);
    fw.once('change', (type) => { clearTimeout(timer); resolve(type); });
  });
  setTimeout(() => fs.appendFileSync(file, 'more'), 50);
  assert.strictEqual(await changed, 'change');
  fw.close();
});

test('fs.watchFile sees size and mtime change', async () => {
  const file = path.join(dir, 'polled');
  fs.writeFileSync(file, 'x');
  const seen = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { fs.unwatchFile(file); reject(new Error('fs.watchFile: no event')); }, 5000);
    fs.watchFile(file, { interval: 20 }, (cur, prev) => {
      clearTimeout(timer);
      fs.unwatchFile(file);
      resolve({ cur, prev });
    });
    // One append, one write(2): a poll cannot see a truncated file in between
    // as it could with writeFileSync's open(O_TRUNC) then write.
    setTimeout(() => fs.appendFileSync(file, 'onger content'), 100);
  });
  assert.strictEqual(seen.prev.size, 1);
  assert.strictEqual(seen.cur.size, 14);
  // A file that disappears is reported with zeroed stats.
  const gone = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { fs.unwatchFile(file); reject(new Error('fs.watchFile: no event for unlink')); }, 5000);
    fs.watchFile(file, { interval: 20 }, (cur) => {
      if (cur.nlink !== 0) return;
      clearTimeout(timer);
      fs.unwatchFile(file);
      resolve(cur);
    });
    setTimeout(() => fs.unlinkSync(file), 100);
  });
  assert.strictEqual(gone.size, 0);
  assert.strictEqual(gone.mtimeMs, 0);
});

test('fs.statfs: the file system under a folder, three ways', async () => {
  const cb = await new Promise((resolve, reject) => fs.statfs(dir, (e, st) => (e ? reject(e) : resolve(st))));
  const pr = await fsp.statfs(dir);
  const sy = fs.statfsSync(dir);
  for (const st of [cb, pr, sy]) {
    assert.ok(st.bsize > 0 && st.blocks > 0, JSON.stringify(st));
    assert.ok(st.bfree <= st.blocks && st.bavail <= st.bfree, JSON.stringify(st));
    assert.ok(st.files >= st.ffree && st.ffree >= 0, JSON.stringify(st));
    // Node 24 also shows the fragment size (libuv 1.49's f_frsize).
    if ('frsize' in st) assert.ok(st.frsize > 0, JSON.stringify(st));
  }
  assert.strictEqual(cb.type, sy.type);
  assert.strictEqual(pr.bsize, sy.bsize);
  const big = fs.statfsSync(dir, { bigint: true });
  assert.strictEqual(typeof big.blocks, 'bigint');
  assert.strictEqual(big.blocks, BigInt(sy.blocks));
  await assert.rejects(fsp.statfs(path.join(dir, 'no-such-folder')), { code: 'ENOENT', syscall: 'statfs' });
});
