'use strict';
// Load generator used when wrk is not installed: keep-alive GETs from
// CONNS connections for SECONDS; prints requests/s and p99 latency.
// Usage: node http_client.js PORT [SECONDS] [CONNS]
const http = require('node:http');
const port = Number(process.argv[2]);
const seconds = Number(process.argv[3] || 3);
const conns = Number(process.argv[4] || 50);
const agent = new http.Agent({ keepAlive: true, maxSockets: conns });
const lat = [];
let done = 0;
let errors = 0;
const t0 = process.hrtime.bigint();
const end = t0 + BigInt(Math.round(seconds * 1e9));
function one() {
  const s = process.hrtime.bigint();
  if (s >= end) return finish();
  http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
    res.resume();
    res.on('end', () => { lat.push(Number(process.hrtime.bigint() - s) / 1e6); done++; one(); });
  }).on('error', () => { errors++; one(); });
}
let running = conns;
function finish() {
  if (--running > 0) return;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  lat.sort((a, b) => a - b);
  console.log(`RESULT http_requests ${(done / secs).toFixed(0)} req/s`);
  console.log(`RESULT http_p99_latency ${lat[Math.floor(lat.length * 0.99)].toFixed(3)} ms`);
  if (errors) console.error(`${errors} errors`);
  agent.destroy();
}
for (let i = 0; i < conns; i++) one();
