'use strict';
// A bounded churn through Node on whichever libuv.so.1 it loaded: TCP
// connections opened, echoed and closed, child processes, timers, fs
// requests and worker threads, in three equal rounds. The first two warm up
// V8, the thread pool, the library and the C library's malloc arenas (whose
// resident size wanders by several MB from round to round on gouv, which has
// more threads); after the third, the process must hold the descriptors it
// held after the first, and its resident memory may have grown only a
// little since the second: what a round leaks it would leak again.
//
//   node node_churn.js [scale]     (scale 1: the sizes below; prints a summary)
const net = require('node:net');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { Worker } = require('node:worker_threads');
const { once } = require('node:events');

const scale = Number(process.argv[2] || 1);
const N = {
  tcp: Math.round(4000 * scale),
  spawn: Math.round(200 * scale),
  timers: Math.round(20000 * scale),
  fs: Math.round(2500 * scale),
  workers: Math.round(20 * scale),
};
setTimeout(() => { console.error('node_churn: still running after 240 s'); process.exit(2); }, 240000).unref();

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gouv-churn-'));
const fds = () => fs.readdirSync('/proc/self/fd').length;
const rssKB = () => Math.round(process.memoryUsage().rss / 1024);

async function tcpRound(server, port) {
  // 50 connections at a time, each echoes one message and closes.
  let next = 0;
  async function lane() {
    while (next < N.tcp) {
      next++;
      const s = net.connect(port, '127.0.0.1');
      await once(s, 'connect');
      s.write('ping');
      const [data] = await once(s, 'data');
      if (data.toString() !== 'ping') throw new Error(`echo returned ${data}`);
      s.end();
      await once(s, 'close');
    }
  }
  await Promise.all(Array.from({ length: 50 }, lane));
}

async function spawnRound() {
  let next = 0;
  async function lane() {
    while (next < N.spawn) {
      next++;
      await new Promise((resolve, reject) =>
        execFile('/bin/true', (err) => (err ? reject(err) : resolve())));
    }
  }
  await Promise.all(Array.from({ length: 4 }, lane));
}

async function timerRound() {
  let fired = 0;
  await new Promise((resolve) => {
    for (let i = 0; i < N.timers; i++) {
      const t = setTimeout(() => { if (++fired === N.timers / 2) resolve(); }, i % 10);
      if (i % 2) clearTimeout(t); // half are cancelled before they fire
    }
  });
}

async function fsRound() {
  const file = path.join(dir, 'f');
  for (let i = 0; i < N.fs; i++) {
    await fs.promises.writeFile(file, `round ${i}`);
    const st = await fs.promises.stat(file);
    if (st.size !== `round ${i}`.length) throw new Error('stat size');
    await fs.promises.readFile(file);
    await fs.promises.unlink(file);
  }
}

async function workerRound() {
  for (let i = 0; i < N.workers; i++) {
    const w = new Worker('require("node:worker_threads").parentPort.postMessage(6 * 7)', { eval: true });
    // Both listeners first: the exit may come in the same turn as the message.
    const exited = once(w, 'exit');
    const [v] = await once(w, 'message');
    if (v !== 42) throw new Error('worker answered ' + v);
    await exited;
  }
}

const threads = () => fs.readFileSync('/proc/self/status', 'utf8').match(/Threads:\s*(\d+)/)[1];
const trace = process.env.CHURN_TRACE
  ? (what) => console.error(`${Date.now() % 100000} ${what} (RSS ${rssKB()} kB, ${threads()} threads)`)
  : () => {};

async function round(server, port) {
  trace('tcp');
  await tcpRound(server, port);
  trace('spawn');
  await spawnRound();
  trace('timers');
  await timerRound();
  trace('fs');
  await fsRound();
  trace('workers');
  await workerRound();
  trace('done');
  if (global.gc) global.gc();
  await new Promise((r) => setTimeout(r, 50));
}

(async () => {
  const server = net.createServer((s) => s.on('data', (d) => s.write(d)).on('error', () => {}));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  const fds0 = fds();
  const t0 = Date.now();
  await round(server, port);
  const fds1 = fds(), rss1 = rssKB();
  await round(server, port);
  const fds2 = fds(), rss2 = rssKB();
  await round(server, port);
  const fds3 = fds(), rss3 = rssKB();
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`node ${process.version} libuv ${process.versions.uv}: ` +
    `${N.tcp} connections, ${N.spawn} spawns, ${N.timers} timers, ${N.fs} fs rounds, ` +
    `${N.workers} workers per round, ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
    `descriptors ${fds0}, ${fds1}, ${fds2}, ${fds3}; RSS ${rss1} kB, ${rss2} kB, ${rss3} kB`);
  let bad = 0;
  if (fds2 !== fds1 || fds3 !== fds1) { console.log(`descriptors changed after the first round: ${fds1} -> ${fds2} -> ${fds3}`); bad = 1; }
  // After two rounds RSS wanders by up to about 10 MB a round on gouv (2 MB
  // on libuv); 24 MB is more than twice that.
  if (rss3 - rss2 > 24 * 1024) { console.log(`RSS grew by ${rss3 - rss2} kB in the third round`); bad = 1; }
  process.exit(bad);
})().catch((e) => { console.error(e); process.exit(1); });
