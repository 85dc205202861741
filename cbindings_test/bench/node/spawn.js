'use strict';
// child_process.spawn of /bin/true, 4 at a time, 400 in all; prints spawns/s.
const { spawn } = require('node:child_process');
const N = 400;
let started = 0;
let exited = 0;
const t0 = process.hrtime.bigint();
function one() {
  if (started >= N) return;
  started++;
  spawn('/bin/true', { stdio: 'ignore' }).on('exit', (code) => {
    if (code !== 0) throw new Error(`/bin/true exited ${code}`);
    if (++exited === N) {
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      console.log(`RESULT spawn_bin_true ${(N / secs).toFixed(0)} spawns/s`);
    } else one();
  });
}
for (let i = 0; i < 4; i++) one();
