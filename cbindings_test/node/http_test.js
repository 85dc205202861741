'use strict';
// http: keep-alive reuses connections, 1,000 concurrent requests through a
// bounded agent and 1,000 concurrent connections without one, request and
// response bodies in both directions, and a server closing idle sockets.
const test = require('node:test');
const assert = require('node:assert');
const http = require('node:http');
const net = require('node:net');
const { once } = require('node:events');

// A failed test can leave handles open: never hang past 45 s.
setTimeout(() => { console.error(`${__filename}: still running after 45 s, giving up`); process.exit(1); }, 45000).unref();

function get(agent, port, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, agent, method: body ? 'POST' : 'GET' }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts).toString(), local: req.socket.localPort }));
    });
    req.setTimeout(15000, () => req.destroy(new Error(`request ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

async function startServer() {
  let connections = 0;
  const server = http.createServer((req, res) => {
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => {
      const body = Buffer.concat(parts).toString();
      res.setHeader('content-type', 'text/plain');
      res.end(`${req.method} ${req.url} ${body.length}`);
    });
  });
  server.on('connection', () => { connections++; });
  server.keepAliveTimeout = 5000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: server.address().port, connections: () => connections };
}

test('keep-alive: sequential requests share one connection', async () => {
  const { server, port, connections } = await startServer();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const ports = new Set();
  for (let i = 0; i < 50; i++) {
    const r = await get(agent, port, `/seq/${i}`);
    assert.strictEqual(r.status, 200);
    assert.strictEqual(r.body, `GET /seq/${i} 0`);
    assert.strictEqual(r.headers.connection, 'keep-alive');
    ports.add(r.local);
  }
  assert.strictEqual(ports.size, 1, `used ${ports.size} connections`);
  assert.strictEqual(connections(), 1);
  agent.destroy();
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

test('1,000 concurrent requests through a keep-alive agent of 20 sockets', async () => {
  const { server, port, connections } = await startServer();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
  const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => get(agent, port, `/c/${i}`, i % 3 ? undefined : 'x'.repeat(i + 1))));
  results.forEach((r, i) => {
    assert.strictEqual(r.status, 200);
    assert.strictEqual(r.body, i % 3 ? `GET /c/${i} 0` : `POST /c/${i} ${i + 1}`);
  });
  assert.ok(connections() <= 20, `${connections()} connections for a 20-socket agent`);
  assert.ok(new Set(results.map((r) => r.local)).size <= 20);
  agent.destroy();
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

test('1,000 concurrent connections without an agent limit', async () => {
  const { server, port, connections } = await startServer();
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => get(agent, port, `/n/${i}`)));
  assert.strictEqual(results.filter((r) => r.status === 200).length, 1000);
  assert.strictEqual(connections(), 1000);
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

test('large bodies both ways and chunked responses', async () => {
  const server = http.createServer(async (req, res) => {
    let n = 0;
    for await (const d of req) n += d.length;
    res.writeHead(200, { 'x-received': String(n) });
    for (let i = 0; i < 64; i++) {
      if (!res.write(Buffer.alloc(64 * 1024, i))) await once(res, 'drain');
    }
    res.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  const res = await new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'PUT', path: '/big' }, resolve);
    req.on('error', reject);
    req.end(Buffer.alloc(8 * 1024 * 1024, 1));
  });
  assert.strictEqual(res.headers['x-received'], String(8 * 1024 * 1024));
  assert.strictEqual(res.headers['transfer-encoding'], 'chunked');
  let total = 0;
  let last = -1;
  for await (const d of res) { total += d.length; last = d[d.length - 1]; }
  assert.strictEqual(total, 64 * 64 * 1024);
  assert.strictEqual(last, 63);
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

test('server closes idle keep-alive sockets after keepAliveTimeout', async () => {
  const { server, port } = await startServer();
  server.keepAliveTimeout = 100;
  // A plain TCP client, so that only the server can end the connection:
  // newer Nodes' agents close idle sockets themselves, early, from the
  // server's Keep-Alive header.
  const sock = net.connect(port, '127.0.0.1');
  await once(sock, 'connect');
  let text = '';
  let t0 = 0;
  sock.setEncoding('latin1');
  sock.on('data', (d) => { text += d; if (text.endsWith('GET /idle 0')) t0 = Date.now(); });
  sock.write('GET /idle HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
  await Promise.race([once(sock, 'end'), new Promise((_, rej) => setTimeout(() => rej(new Error('idle socket not closed')), 5000).unref())]);
  assert.match(text, /^HTTP\/1\.1 200 /);
  assert.ok(t0 > 0, `no full response: ${text}`);
  assert.ok(Date.now() - t0 >= 50, `closed after ${Date.now() - t0} ms`);
  sock.destroy();
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});
