'use strict';
// child_process: spawn with pipes, exec through a shell, execFile, fork with
// IPC messages, handle passing (a listening server and a connected socket
// sent to a child), exit codes and signals, killing a child while we write
// to it, and spawn errors. Children that run Node use process.execPath, so
// they load the same libuv as this process.
const assert = require('node:assert');
const cp = require('node:child_process');
const net = require('node:net');
const { once } = require('node:events');

if (process.argv[2] === 'child') {
  // Forked child: answer messages; serve connections on a server or socket
  // handed over by the parent.
  process.on('message', (m, handle) => {
    if (m.kind === 'echo') process.send({ kind: 'echo', n: m.n, pid: process.pid });
    else if (m.kind === 'server') {
      handle.on('connection', (s) => s.end(`child ${process.pid}`));
      process.send({ kind: 'serving' });
    } else if (m.kind === 'socket') {
      handle.end(`socket in child ${process.pid}`);
      process.send({ kind: 'socket-done' });
    } else if (m.kind === 'exit') {
      process.disconnect();
    }
  });
  process.send({ kind: 'ready', argv: process.argv.slice(3), env: process.env.GOUV_CHILD_ENV });
  return;
}

const test = require('node:test');

// A failed test can leave handles open: never hang past 45 s.
setTimeout(() => { console.error(`${__filename}: still running after 45 s, giving up`); process.exit(1); }, 45000).unref();

function exited(child) {
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
}

test('spawn: stdin, stdout, stderr, exit code', async () => {
  const child = cp.spawn(process.execPath, ['-e', `
    let n = 0;
    process.stdin.on('data', (d) => { n += d.length; });
    process.stdin.on('end', () => { process.stdout.write('got ' + n); process.stderr.write('err'); process.exit(7); });
  `]);
  const out = [];
  const err = [];
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => err.push(d));
  const data = Buffer.alloc(3 * 1024 * 1024, 'z');
  child.stdin.end(data);
  const [res] = await Promise.all([exited(child), once(child, 'close')]);
  assert.deepStrictEqual(res, { code: 7, signal: null });
  assert.strictEqual(Buffer.concat(out).toString(), `got ${data.length}`);
  assert.strictEqual(Buffer.concat(err).toString(), 'err');
  assert.ok(child.pid > 0);
});

test('spawn options: cwd, env, stdio inherit/ignore, detached group', async () => {
  const out = cp.spawnSync('/bin/sh', ['-c', 'pwd; echo "$GOUV_X"'], { cwd: '/tmp', env: { GOUV_X: 'yes', PATH: process.env.PATH } });
  assert.strictEqual(out.status, 0);
  assert.strictEqual(out.stdout.toString(), '/tmp\nyes\n');
  const ig = cp.spawn('/bin/sh', ['-c', 'echo hidden; exit 3'], { stdio: 'ignore' });
  assert.strictEqual(ig.stdout, null);
  assert.deepStrictEqual(await exited(ig), { code: 3, signal: null });
  // The fifth field of /proc/PID/stat is the process group (ps may be
  // missing).
  const d = cp.spawn('/bin/sh', ['-c', 'read -r _ _ _ _ pgid _ </proc/$$/stat; echo "$pgid"'], { detached: true });
  let pgid = '';
  d.stdout.on('data', (x) => { pgid += x; });
  await once(d, 'close');
  assert.strictEqual(Number(pgid.trim()), d.pid, 'a detached child leads its own process group');
});

test('exec and execFile', async () => {
  const r = await new Promise((resolve) => cp.exec('echo $((6*7)); echo oops >&2; exit 2', (e, stdout, stderr) => resolve({ e, stdout, stderr })));
  assert.strictEqual(r.stdout, '42\n');
  assert.strictEqual(r.stderr, 'oops\n');
  assert.strictEqual(r.e.code, 2);
  const v = await new Promise((resolve, reject) => cp.execFile(process.execPath, ['-p', 'process.versions.uv'], (e, s) => (e ? reject(e) : resolve(s.trim()))));
  assert.strictEqual(v, process.versions.uv, 'the child loads a different libuv');
  const t = await new Promise((resolve) => cp.execFile('/bin/sleep', ['10'], { timeout: 100 }, (e) => resolve(e)));
  assert.strictEqual(t.killed, true);
  assert.strictEqual(t.signal, 'SIGTERM');
  const big = await new Promise((resolve) => cp.exec(`head -c 300000 /dev/zero`, { maxBuffer: 1000 }, (e) => resolve(e)));
  assert.strictEqual(big.code, 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER');
});

test('spawn errors: ENOENT and EACCES', async () => {
  const a = cp.spawn('/nonexistent/gouv-binary');
  const [ea] = await once(a, 'error');
  assert.strictEqual(ea.code, 'ENOENT');
  const noexec = require('node:path').join(require('node:os').tmpdir(), `gouv-noexec-${process.pid}`);
  require('node:fs').writeFileSync(noexec, 'not a program\n', { mode: 0o644 });
  const b = cp.spawn(noexec);
  b.on('exit', () => require('node:fs').rmSync(noexec, { force: true }));
  const [eb] = await once(b, 'error');
  assert.strictEqual(eb.code, 'EACCES');
  require('node:fs').rmSync(noexec, { force: true });
  assert.throws(() => cp.execFileSync('/nonexistent/x'), { code: 'ENOENT' });
});

test('fork: IPC messages both ways', async () => {
  const child = cp.fork(__filename, ['child', 'a1'], { env: { ...process.env, GOUV_CHILD_ENV: 'e1' } });
  const [ready] = await once(child, 'message');
  assert.deepStrictEqual(ready, { kind: 'ready', argv: ['a1'], env: 'e1' });
  const N = 500;
  let got = 0;
  const all = new Promise((resolve) => child.on('message', (m) => {
    assert.strictEqual(m.n, got);
    assert.strictEqual(m.pid, child.pid);
    if (++got === N) resolve();
  }));
  for (let n = 0; n < N; n++) child.send({ kind: 'echo', n });
  await all;
  child.send({ kind: 'exit' });
  assert.deepStrictEqual(await exited(child), { code: 0, signal: null });
});

test('fork: send a listening server and a connected socket to the child', async () => {
  const child = cp.fork(__filename, ['child']);
  await once(child, 'message');
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  child.send({ kind: 'server' }, server);
  const [m] = await once(child, 'message');
  assert.strictEqual(m.kind, 'serving');
  server.close(); // our copy; the child's still accepts
  for (let i = 0; i < 5; i++) {
    const c = net.connect(port, '127.0.0.1');
    let text = '';
    c.on('data', (d) => { text += d; });
    await once(c, 'end');
    assert.strictEqual(text, `child ${child.pid}`);
  }
  // A connected socket, accepted here, answered by the child.
  const s2 = net.createServer((sock) => child.send({ kind: 'socket' }, sock));
  s2.listen(0, '127.0.0.1');
  await once(s2, 'listening');
  const c = net.connect(s2.address().port, '127.0.0.1');
  let text = '';
  c.on('data', (d) => { text += d; });
  await once(c, 'end');
  assert.strictEqual(text, `socket in child ${child.pid}`);
  s2.close();
  child.kill();
  assert.deepStrictEqual(await exited(child), { code: null, signal: 'SIGTERM' });
});

test('killing a child mid-write: EPIPE on its stdin, exit by SIGKILL', async () => {
  const child = cp.spawn(process.execPath, ['-e', 'process.stdin.pause(); setInterval(() => {}, 1000)']);
  const chunk = Buffer.alloc(64 * 1024, 1);
  let errCode = null;
  child.stdin.on('error', (e) => { errCode = e.code; });
  for (let i = 0; i < 100 && child.stdin.write(chunk); i++);
  const ex = exited(child);
  child.kill('SIGKILL');
  assert.deepStrictEqual(await ex, { code: null, signal: 'SIGKILL' });
  for (let i = 0; i < 100 && errCode === null && !child.stdin.destroyed; i++) {
    child.stdin.write(chunk);
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.ok(errCode === null || errCode === 'EPIPE', `unexpected ${errCode}`);
  assert.ok(errCode === 'EPIPE' || child.stdin.destroyed, 'stdin to a dead child neither failed nor closed');

  // A child killed while it writes to us: we see its output end, no crash.
  const writer = cp.spawn(process.execPath, ['-e', 'const b = Buffer.alloc(65536, 120); (function w() { while (process.stdout.write(b)); process.stdout.once("drain", w); })()']);
  let n = 0;
  writer.stdout.on('data', (d) => { n += d.length; if (n > 1 << 20) writer.kill('SIGKILL'); });
  const [res] = await Promise.all([exited(writer), once(writer.stdout, 'close')]);
  assert.deepStrictEqual(res, { code: null, signal: 'SIGKILL' });
  assert.ok(n > 1 << 20);
});
