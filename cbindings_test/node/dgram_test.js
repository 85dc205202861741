'use strict';
// dgram: UDP send/receive on 127.0.0.1 (and ::1 when present), connected
// sockets, socket options and buffer sizes, and multicast on loopback
// (239.255.x.y with membership on 127.0.0.1).
const test = require('node:test');
const assert = require('node:assert');
const dgram = require('node:dgram');
const os = require('node:os');
const { once } = require('node:events');

// A failed test can leave handles open: never hang past 45 s.
setTimeout(() => { console.error(`${__filename}: still running after 45 s, giving up`); process.exit(1); }, 45000).unref();

function timeout(ms, what) {
  return new Promise((_, rej) => setTimeout(() => rej(new Error(`timed out: ${what}`)), ms).unref());
}

async function bound(type, address, opts = {}) {
  const s = dgram.createSocket({ type, ...opts });
  s.bind(0, address);
  await once(s, 'listening');
  return s;
}

async function pingPong(type, host) {
  const a = await bound(type, host);
  const b = await bound(type, host);
  const N = 200;
  const got = new Set();
  const done = new Promise((resolve) => {
    b.on('message', (msg, rinfo) => {
      assert.strictEqual(rinfo.address, host);
      assert.strictEqual(rinfo.port, a.address().port);
      assert.strictEqual(rinfo.size, msg.length);
      got.add(msg.toString());
      b.send(msg, rinfo.port, rinfo.address);
    });
    let back = 0;
    a.on('message', () => { if (++back === N) resolve(); });
  });
  // Send in small bursts so a busy machine does not overflow the buffers.
  for (let i = 0; i < N; i += 20) {
    for (let j = i; j < i + 20; j++) a.send(`msg ${j}`, b.address().port, host);
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.race([done, timeout(10000, `${type} ping-pong (${got.size}/${N} arrived)`)]);
  assert.strictEqual(got.size, N);
  a.close();
  b.close();
  await Promise.all([once(a, 'close'), once(b, 'close')]);
}

test('udp4 ping-pong on 127.0.0.1', () => pingPong('udp4', '127.0.0.1'));

test('udp6 ping-pong on ::1 when present', async (t) => {
  if (!Object.values(os.networkInterfaces()).flat().some((i) => i.address === '::1')) return t.skip('no ::1');
  await pingPong('udp6', '::1');
});

test('connected socket, send callback, multi-buffer send, errors', async () => {
  const server = await bound('udp4', '127.0.0.1');
  const client = dgram.createSocket('udp4');
  client.connect(server.address().port, '127.0.0.1');
  await once(client, 'connect');
  assert.strictEqual(client.remoteAddress().port, server.address().port);
  const sent = await new Promise((resolve, reject) => client.send([Buffer.from('ab'), Buffer.from('cd')], (e, n) => (e ? reject(e) : resolve(n))));
  assert.strictEqual(sent, 4);
  const [msg] = await Promise.race([once(server, 'message'), timeout(5000, 'connected send')]);
  assert.strictEqual(msg.toString(), 'abcd');
  // Connecting twice is an error.
  assert.throws(() => client.connect(1234, '127.0.0.1'), { code: 'ERR_SOCKET_DGRAM_IS_CONNECTED' });
  // A datagram larger than 64 KiB cannot be sent.
  const err = await new Promise((resolve) => client.send(Buffer.alloc(70000), (e) => resolve(e)));
  assert.ok(err && err.code === 'EMSGSIZE', `expected EMSGSIZE, got ${err && err.code}`);
  // Binding a port in use.
  const dup = dgram.createSocket('udp4');
  dup.bind(server.address().port, '127.0.0.1');
  const [berr] = await once(dup, 'error');
  assert.strictEqual(berr.code, 'EADDRINUSE');
  client.close();
  server.close();
});

test('socket options: buffer sizes, TTL, broadcast', async () => {
  const s = await bound('udp4', '127.0.0.1');
  s.setRecvBufferSize(256 * 1024);
  s.setSendBufferSize(128 * 1024);
  // Linux doubles what was asked for (up to the system maximum).
  assert.ok(s.getRecvBufferSize() >= 256 * 1024 || s.getRecvBufferSize() > 0);
  assert.ok(s.getSendBufferSize() > 0);
  s.setTTL(5);
  s.setBroadcast(true);
  s.setMulticastTTL(2);
  assert.throws(() => s.setTTL(1000), { code: 'EINVAL' });
  s.ref();
  s.unref();
  s.close();
});

test('multicast on loopback: 239.255.x.y joined on 127.0.0.1', async () => {
  const group = `239.255.${process.pid % 250}.${(process.pid >> 8) % 250 + 1}`;
  const receivers = [];
  for (let i = 0; i < 2; i++) {
    const r = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    r.bind(i === 0 ? 0 : receivers[0].address().port, '0.0.0.0');
    await once(r, 'listening');
    r.addMembership(group, '127.0.0.1');
    receivers.push(r);
  }
  const port = receivers[0].address().port;
  const sender = await bound('udp4', '127.0.0.1');
  sender.setMulticastInterface('127.0.0.1');
  sender.setMulticastLoopback(true);
  sender.setMulticastTTL(1);
  const arrived = receivers.map((r) => Promise.race([once(r, 'message'), timeout(5000, 'multicast datagram')]));
  // Repeat a few times: the first datagram may race the join on a busy box.
  const iv = setInterval(() => sender.send('to the group', port, group), 50);
  sender.send('to the group', port, group);
  try {
    for (const p of arrived) {
      const [msg, rinfo] = await p;
      assert.strictEqual(msg.toString(), 'to the group');
      assert.strictEqual(rinfo.port, sender.address().port);
    }
  } finally {
    clearInterval(iv);
  }
  // After dropping membership the group is no longer joined (a second drop fails).
  receivers[1].dropMembership(group, '127.0.0.1');
  assert.throws(() => receivers[1].dropMembership(group, '127.0.0.1'), { code: 'EADDRNOTAVAIL' });
  assert.throws(() => receivers[0].addMembership('10.0.0.1', '127.0.0.1'), { code: 'EINVAL' });
  for (const s of [...receivers, sender]) s.close();
});
