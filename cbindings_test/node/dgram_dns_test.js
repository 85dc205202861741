// Node's dgram, dns.lookup, dns.lookupService, os.networkInterfaces and
// os.hostname sit directly on gouv's UDP and name-resolution functions.
// Run with scripts/node.sh cbindings_test/node/dgram_dns.js (add
// --reference for the system libuv); exits non-zero on failure.
'use strict';
const assert = require('assert');
const dgram = require('dgram');
const dns = require('dns');
const os = require('os');

function echo(type, address) {
  return new Promise((resolve, reject) => {
    const server = dgram.createSocket(type);
    const client = dgram.createSocket(type);
    server.on('error', reject);
    client.on('error', reject);
    server.on('message', (msg, rinfo) => {
      assert.strictEqual(msg.toString(), 'ping');
      server.send('pong', rinfo.port, rinfo.address);
    });
    client.on('message', (msg) => {
      assert.strictEqual(msg.toString(), 'pong');
      client.close();
      server.close();
      resolve();
    });
    server.bind(0, address, () => {
      client.send('ping', server.address().port, address);
    });
  });
}

function many(count) {
  return new Promise((resolve, reject) => {
    const rx = dgram.createSocket('udp4');
    const tx = dgram.createSocket('udp4');
    let got = 0;
    let sent = 0;
    rx.on('error', reject);
    rx.on('message', () => {
      got++;
      if (got === count) {
        rx.close();
        tx.close();
        resolve();
      } else if (got === sent) {
        burst();
      }
    });
    function burst() {
      for (let i = 0; i < 50 && sent < count; i++, sent++)
        tx.send(Buffer.alloc(32), rx.address().port, '127.0.0.1');
    }
    rx.bind(0, '127.0.0.1', burst);
  });
}

async function main() {
  await echo('udp4', '127.0.0.1');
  await echo('udp6', '::1');
  await many(2000);

  const all = await dns.promises.lookup('localhost', { all: true });
  assert.ok(all.length >= 1);
  for (const a of all)
    assert.ok(a.address === '127.0.0.1' || a.address === '::1', a.address);
  const svc = await dns.promises.lookupService('127.0.0.1', 80);
  assert.ok(svc.hostname.length > 0);

  const lo = os.networkInterfaces().lo;
  assert.ok(lo, 'no lo interface');
  const v4 = lo.find((a) => a.family === 'IPv4');
  assert.strictEqual(v4.address, '127.0.0.1');
  assert.strictEqual(v4.internal, true);
  assert.strictEqual(v4.netmask, '255.0.0.0');
  assert.ok(os.hostname().length > 0);
  console.log('ok', process.versions.uv);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
