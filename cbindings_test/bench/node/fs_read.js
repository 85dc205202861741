'use strict';
// Reads every file of DIR (10,000 small files made by the bench script)
// with fs.promises.readFile, 64 at a time; prints files/s.
// Usage: node fs_read.js DIR
const fsp = require('node:fs/promises');
const path = require('node:path');
(async () => {
  const dir = process.argv[2];
  const names = await fsp.readdir(dir);
  const t0 = process.hrtime.bigint();
  let next = 0;
  let bytes = 0;
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (next < names.length) {
      const b = await fsp.readFile(path.join(dir, names[next++]));
      bytes += b.length;
    }
  }));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (bytes === 0) throw new Error('read nothing');
  console.log(`RESULT fs_read_small_files ${(names.length / secs).toFixed(0)} files/s`);
})();
