'use strict';
// dns.lookup (getaddrinfo on the thread pool) and dns.lookupService
// (getnameinfo), callback and promise forms, numeric and named hosts,
// many lookups at once, and the errors for bad input. Loopback only: no
// test depends on a network or a DNS server.
const test = require('node:test');
const assert = require('node:assert');
const dns = require('node:dns');
const os = require('node:os');

// A failed test can leave handles open: never hang past 45 s.
setTimeout(() => { console.error(`${__filename}: still running after 45 s, giving up`); process.exit(1); }, 45000).unref();

const lookup = (host, opts) => new Promise((resolve, reject) => dns.lookup(host, opts, (e, address, family) => (e ? reject(e) : resolve({ address, family }))));

test('dns.lookup of numeric addresses and localhost', async () => {
  assert.deepStrictEqual(await lookup('127.0.0.1', {}), { address: '127.0.0.1', family: 4 });
  assert.deepStrictEqual(await lookup('::1', {}), { address: '::1', family: 6 });
  const v4 = await lookup('localhost', { family: 4 });
  assert.strictEqual(v4.family, 4);
  assert.match(v4.address, /^127\./);
  const all = await lookup('localhost', { all: true });
  assert.ok(Array.isArray(all.address) && all.address.length >= 1);
  assert.ok(all.address.every((a) => a.family === 4 || a.family === 6));
  const host = os.hostname();
  const mine = await lookup(host, { all: true });
  assert.ok(mine.address.length >= 1, `hostname ${host} does not resolve`);
});

test('dns.promises.lookup, 500 lookups in flight', async () => {
  const rs = await Promise.all(Array.from({ length: 500 }, (_, i) => dns.promises.lookup(i % 2 ? 'localhost' : '127.0.0.1', { family: 4 })));
  assert.ok(rs.every((r) => /^127\./.test(r.address) && r.family === 4));
  const v = await dns.promises.lookup('127.0.0.1', { verbatim: true, all: true });
  assert.deepStrictEqual(v, [{ address: '127.0.0.1', family: 4 }]);
});

test('dns.lookupService on loopback', async () => {
  const { hostname, service } = await new Promise((resolve, reject) => dns.lookupService('127.0.0.1', 22, (e, h, s) => (e ? reject(e) : resolve({ hostname: h, service: s }))));
  assert.ok(typeof hostname === 'string' && hostname.length > 0);
  // Service names come from /etc/services (Debian's netbase); without it
  // getnameinfo answers with the number.
  const named = /^ssh\s+22\/tcp/m.test(require('node:fs').existsSync('/etc/services') ? require('node:fs').readFileSync('/etc/services', 'utf8') : '');
  assert.strictEqual(service, named ? 'ssh' : '22');
  const r = await dns.promises.lookupService('127.0.0.1', 80);
  assert.strictEqual(r.service, named ? 'http' : '80');
  const n = await dns.promises.lookupService('127.0.0.1', 44444);
  assert.strictEqual(n.service, '44444');
  assert.throws(() => dns.lookupService('not an ip', 80, () => {}), { code: 'ERR_INVALID_ARG_VALUE' });
});

test('lookup errors surface as JS errors', async () => {
  assert.throws(() => dns.lookup('localhost', { family: 5 }, () => {}), { code: 'ERR_INVALID_ARG_VALUE' });
  // An empty hostname resolves to null without the thread pool.
  assert.deepStrictEqual(await lookup('', {}), { address: null, family: 4 });
  // A name that cannot exist under a reserved TLD fails with a DNS error code.
  // /etc/hosts and the local resolver answer; bound the wait in case a
  // resolver is configured but unreachable.
  const err = await Promise.race([
    lookup('gouv-does-not-exist.invalid', {}).then(() => null, (e) => e),
    new Promise((r) => setTimeout(() => r('timeout'), 15000).unref()),
  ]);
  if (err !== 'timeout') {
    assert.ok(err, 'a .invalid name resolved');
    assert.ok(['ENOTFOUND', 'EAI_AGAIN'].includes(err.code), err.code);
    assert.strictEqual(err.hostname, 'gouv-does-not-exist.invalid');
  }
});
