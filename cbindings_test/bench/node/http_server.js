'use strict';
// Hello-world HTTP server for the load generator: prints "PID <pid>" and,
// once listening on 127.0.0.1, "PORT <n>"; serves until killed (or for at
// most 120 s).
const http = require('node:http');
const body = Buffer.from('Hello, world\n');
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 10000;
console.log(`PID ${process.pid}`);
server.listen(0, '127.0.0.1', () => console.log(`PORT ${server.address().port}`));
setTimeout(() => process.exit(0), 120000).unref();
process.on('SIGTERM', () => process.exit(0));
