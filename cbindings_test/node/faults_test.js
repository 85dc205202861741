'use strict';
// Running out of file descriptors: a child under `ulimit -n 256` opens
// 1,000 TCP connections to its own server, and 1,000 files. Node must see
// EMFILE as JS errors (on client sockets, on the server's accept, on
// fs.open), not crash, not hang, and recover once descriptors are freed.
// (Other faults live with their areas: throwing in callbacks in
// process_test.js, killing a child mid-write in child_process_test.js,
// closing a server with live connections and writing to a reset socket in
// net_test.js.)
const test = require('node:test');
const assert = require('node:assert');
const cp = require('node:child_process');

// A failed test can leave handles open: never hang past 45 s.
setTimeout(() => { console.error(`${__filename}: still running after 45 s, giving up`); process.exit(1); }, 45000).unref();

const CHILD = `
const net = require('net');
const fs = require('fs');
const os = require('os');
const path = require('path');
const stats = { connected: 0, clientErrors: {}, serverErrors: {}, accepted: 0, files: 0, fileErrors: {} };
const count = (o, e) => { o[e.code] = (o[e.code] || 0) + 1; };
const watchdog = setTimeout(() => { console.log('HUNG ' + JSON.stringify(stats)); process.exit(3); }, 20000);
const live = [];
const server = net.createServer((s) => { stats.accepted++; live.push(s); s.on('error', () => {}); });
server.on('error', (e) => count(stats.serverErrors, e));
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  let pending = 1000;
  const settle = () => { if (--pending === 0) phase2(); };
  for (let i = 0; i < 1000; i++) {
    const c = net.connect(port, '127.0.0.1');
    live.push(c);
    let done = false;
    c.on('connect', () => { stats.connected++; if (!done) { done = true; settle(); } });
    c.on('error', (e) => { count(stats.clientErrors, e); if (!done) { done = true; settle(); } });
  }
});
function phase2() {
  // Files: open until EMFILE, with descriptors still held by sockets.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gouv-emfile-'));
  const fds = [];
  let left = 1000;
  for (let i = 0; i < 1000; i++) {
    fs.open(path.join(dir, 'f' + i), 'w', (e, fd) => {
      if (e) count(stats.fileErrors, e); else { stats.files++; fds.push(fd); }
      if (--left === 0) {
        for (const fd of fds) fs.closeSync(fd);
        phase3(dir);
      }
    });
  }
}
function phase3(dir) {
  // Free everything; a new connection must work again. The folder goes
  // only now: Node 24's rmSync opens descriptors of its own.
  for (const s of live) s.destroy();
  setTimeout(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    const c = net.connect(server.address().port, '127.0.0.1', () => {
      stats.recovered = true;
      c.destroy();
      server.close(() => { clearTimeout(watchdog); console.log('STATS ' + JSON.stringify(stats)); });
    });
    c.on('error', (e) => { stats.recoverError = e.code; server.close(); clearTimeout(watchdog); console.log('STATS ' + JSON.stringify(stats)); });
  }, 200);
}
`;

test('EMFILE under ulimit -n 256 with 1,000 connections and 1,000 files', async () => {
  const r = await new Promise((resolve) => {
    cp.execFile('bash', ['-c', 'ulimit -n 256 && exec "$0" -e "$1"', process.execPath, CHILD], { timeout: 40000 }, (e, stdout, stderr) => resolve({ e, stdout, stderr }));
  });
  assert.strictEqual(r.e, null, `child failed: ${r.e}\nstdout: ${r.stdout}\nstderr: ${r.stderr.slice(0, 2000)}`);
  const m = /STATS (\{.*\})/.exec(r.stdout);
  assert.ok(m, `no STATS line: ${r.stdout}`);
  const s = JSON.parse(m[1]);
  const emfile = (s.clientErrors.EMFILE || 0) + (s.serverErrors.EMFILE || 0);
  assert.ok(emfile > 0, `no EMFILE on sockets: ${m[1]}`);
  assert.ok(s.connected > 50 && s.connected < 1000, `connected ${s.connected}: ${m[1]}`);
  assert.ok(Object.keys(s.clientErrors).every((k) => ['EMFILE', 'ECONNRESET'].includes(k)), m[1]);
  assert.ok(s.fileErrors.EMFILE > 0, `no EMFILE on files: ${m[1]}`);
  assert.strictEqual(s.files + s.fileErrors.EMFILE, 1000, m[1]);
  assert.strictEqual(s.recovered, true, `no recovery after freeing descriptors: ${m[1]}`);
  assert.strictEqual(r.stderr, '');
});
