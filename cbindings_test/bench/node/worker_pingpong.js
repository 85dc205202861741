'use strict';
// postMessage round trips between the main thread and one worker for
// about 2 s (each side's loop wakes on uv_async_send); prints round trips/s.
const { Worker } = require('node:worker_threads');
const w = new Worker(`
  const { parentPort } = require('worker_threads');
  parentPort.on('message', (m) => parentPort.postMessage(m));
`, { eval: true });
let n = 0;
let t0;
w.on('message', () => {
  n++;
  if (n === 1000) t0 = process.hrtime.bigint(); // warmed up
  if (n > 1000 && (n & 1023) === 0) {
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    if (secs >= 2) {
      console.log(`RESULT worker_roundtrips ${((n - 1000) / secs).toFixed(0)} roundtrips/s`);
      w.terminate();
      return;
    }
  }
  w.postMessage(n);
});
w.postMessage(0);
