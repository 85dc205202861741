'use strict';
// net over TCP (127.0.0.1 and ::1) and unix sockets: echo, many
// connections, backpressure (write() returning false, 'drain', pause/resume),
// half-close with allowHalfOpen, closing a server with live connections, and
// writing to a socket the peer has closed.
const test = require('node:test');
const assert = require('node:assert');
const net = require('node:net');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { once } = require('node:events');

// A failed test can leave handles open: never hang past 45 s.
setTimeout(() => { console.error(`${__filename}: still running after 45 s, giving up`); process.exit(1); }, 45000).unref();

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gouv-node-net-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

function withTimeout(p, ms, what) {
  let t;
  return Promise.race([p, new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`timed out: ${what}`)), ms); })])
    .finally(() => clearTimeout(t));
}

async function listen(server, where) {
  server.listen(where);
  await once(server, 'listening');
  const a = server.address();
  return typeof a === 'string' ? { path: a } : { host: a.address, port: a.port };
}

async function echoRound(target, conns, bytes) {
  const server = net.createServer((s) => s.pipe(s));
  const addr = await listen(server, target);
  const payload = Buffer.alloc(bytes, 'q');
  await withTimeout(Promise.all(Array.from({ length: conns }, async (_, i) => {
    const c = net.connect(addr);
    await once(c, 'connect');
    if (addr.port) {
      assert.strictEqual(c.remotePort, addr.port);
      assert.strictEqual(c.remoteAddress, addr.host);
    }
    c.end(Buffer.concat([Buffer.from(`${i}:`), payload]));
    const parts = [];
    for await (const chunk of c) parts.push(chunk);
    const back = Buffer.concat(parts);
    assert.strictEqual(back.length, bytes + `${i}:`.length);
    assert.ok(back.toString('latin1', 0, 8).startsWith(`${i}:`));
  })), 10000, `echo over ${JSON.stringify(target)}`);
  server.close();
  await once(server, 'close');
}

test('TCP echo on 127.0.0.1, 100 connections', () => echoRound({ host: '127.0.0.1', port: 0 }, 100, 10000));

test('TCP echo on ::1 when IPv6 loopback exists', async (t) => {
  const hasV6 = Object.values(os.networkInterfaces()).flat().some((i) => i.address === '::1');
  if (!hasV6) return t.skip('no ::1');
  await echoRound({ host: '::1', port: 0 }, 10, 1000);
});

test('unix socket echo, 50 connections', () => echoRound({ path: path.join(dir, 'echo.sock') }, 50, 20000));

test('refused connection and address in use', async () => {
  const s = net.createServer();
  const { port } = await listen(s, { host: '127.0.0.1', port: 0 });
  const s2 = net.createServer();
  s2.listen({ host: '127.0.0.1', port });
  const [err] = await once(s2, 'error');
  assert.strictEqual(err.code, 'EADDRINUSE');
  s.close();
  await once(s, 'close');
  const c = net.connect({ host: '127.0.0.1', port });
  const [cerr] = await once(c, 'error');
  assert.strictEqual(cerr.code, 'ECONNREFUSED');
  const u = net.connect(path.join(dir, 'nobody.sock'));
  const [uerr] = await once(u, 'error');
  assert.strictEqual(uerr.code, 'ENOENT');
});

for (const kind of ['tcp', 'unix']) {
  test(`backpressure over ${kind}: write() returns false, drain follows, nothing lost`, async () => {
    let serverSide;
    const server = net.createServer((s) => { serverSide = s; s.pause(); });
    const addr = await listen(server, kind === 'tcp' ? { host: '127.0.0.1', port: 0 } : path.join(dir, 'bp.sock'));
    const c = net.connect(addr);
    await once(c, 'connect');
    const chunk = Buffer.alloc(64 * 1024, 7);
    let written = 0;
    // Write until the kernel's buffers are full and data stays queued in
    // the stream (what the loop could not write at once).
    let sawFalse = false;
    for (let i = 0; i < 2000 && c.writableLength === 0; i++) {
      written += chunk.length;
      if (!c.write(chunk)) sawFalse = true;
    }
    assert.ok(sawFalse, 'write() never returned false against a paused reader');
    assert.ok(c.writableLength > 0, `nothing left queued after ${written} bytes to a paused reader`);
    const drained = once(c, 'drain');
    // Now let the server read everything, then stop.
    while (!serverSide) await new Promise((r) => setImmediate(r));
    let received = 0;
    serverSide.on('data', (d) => { received += d.length; });
    serverSide.resume();
    await withTimeout(drained, 10000, 'drain');
    c.end();
    await withTimeout(once(serverSide, 'end'), 10000, 'end after drain');
    assert.strictEqual(received, written);
    server.close();
    c.destroy();
  });

  test(`half-close over ${kind} with allowHalfOpen`, async () => {
    const server = net.createServer({ allowHalfOpen: true }, (s) => {
      const parts = [];
      s.on('data', (d) => parts.push(d));
      s.on('end', () => {
        // The client has ended; we can still write, then end our side.
        assert.strictEqual(s.writable, true);
        const got = Buffer.concat(parts).toString();
        setTimeout(() => s.end(`got ${got.length}: ${got.toUpperCase()}`), 20);
      });
    });
    const addr = await listen(server, kind === 'tcp' ? { host: '127.0.0.1', port: 0 } : path.join(dir, 'half.sock'));
    const c = net.connect({ ...addr, allowHalfOpen: true });
    await once(c, 'connect');
    c.end('hello half');
    await once(c, 'finish');
    assert.strictEqual(c.readable, true, 'reading side closed by our own end()');
    const parts = [];
    for await (const d of c) parts.push(d);
    assert.strictEqual(Buffer.concat(parts).toString(), 'got 10: HELLO HALF');
    server.close();
    await once(server, 'close');
  });
}

test('server.close() waits for live connections; they can still talk', async () => {
  const live = [];
  const server = net.createServer((s) => { live.push(s); s.on('data', (d) => s.write(d)); });
  const addr = await listen(server, { host: '127.0.0.1', port: 0 });
  const clients = await Promise.all([0, 1, 2].map(async () => { const c = net.connect(addr); await once(c, 'connect'); return c; }));
  while (live.length < 3) await new Promise((r) => setImmediate(r));
  let closed = false;
  server.close(() => { closed = true; });
  // New connections are refused, old ones still work.
  const late = net.connect(addr);
  const [err] = await once(late, 'error');
  assert.strictEqual(err.code, 'ECONNREFUSED');
  clients[0].write('ping');
  const [echo] = await once(clients[0], 'data');
  assert.strictEqual(echo.toString(), 'ping');
  assert.strictEqual(closed, false);
  const count = await new Promise((r) => server.getConnections((e, n) => r(n)));
  assert.strictEqual(count, 3);
  for (const c of clients) c.destroy();
  await withTimeout(new Promise((r) => { if (closed) r(); else server.once('close', r); }), 5000, 'server close');
});

test('writing to a socket the peer reset gives EPIPE or ECONNRESET in JS', async () => {
  // The server resets the connection when the first bytes arrive.
  const server = net.createServer((s) => s.once('data', () => s.resetAndDestroy()));
  const addr = await listen(server, { host: '127.0.0.1', port: 0 });
  const c = net.connect(addr);
  const errp = new Promise((resolve) => c.on('error', resolve));
  await once(c, 'connect');
  const err = await withTimeout(new Promise((resolve) => {
    errp.then(resolve);
    let n = 0;
    const pump = () => {
      if (c.destroyed || n++ > 2000) return resolve(null);
      c.write(Buffer.alloc(16384), () => {});
      setTimeout(pump, 1);
    };
    pump();
  }), 10000, 'error on a reset socket');
  assert.ok(err, 'no error after writing to a reset socket');
  assert.ok(['EPIPE', 'ECONNRESET'].includes(err.code), `unexpected ${err.code}`);
  server.close();
});

test('socket options and timeouts', async () => {
  const server = net.createServer((s) => s.on('data', () => {}));
  const addr = await listen(server, { host: '127.0.0.1', port: 0 });
  const c = net.connect(addr);
  await once(c, 'connect');
  c.setNoDelay(true);
  c.setKeepAlive(true, 1000);
  c.setTimeout(50);
  const t0 = Date.now();
  await withTimeout(once(c, 'timeout'), 5000, 'socket timeout');
  assert.ok(Date.now() - t0 >= 40);
  assert.strictEqual(c.bytesWritten, 0);
  c.write('abc');
  await new Promise((r) => setTimeout(r, 10));
  assert.strictEqual(c.bytesWritten, 3);
  c.destroy();
  server.close();
  await once(server, 'close');
});
