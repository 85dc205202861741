'use strict';
// stdin as a pipe and as a terminal. A child Node reads its stdin from a
// pipe (libuv pipe stream), then from a pseudo-terminal made by Python's pty
// module (libuv tty handle: isTTY, setRawMode, window size).
const test = require('node:test');
const assert = require('node:assert');
const cp = require('node:child_process');

// A failed test can leave handles open: never hang past 45 s.
setTimeout(() => { console.error(`${__filename}: still running after 45 s, giving up`); process.exit(1); }, 45000).unref();

const report = `
  const info = { isTTY: !!process.stdin.isTTY, outTTY: !!process.stdout.isTTY };
  let data = '';
  process.stdin.setEncoding('utf8');
  if (info.isTTY) {
    info.cols = process.stdout.columns;
    info.rows = process.stdout.rows;
    process.stdin.setRawMode(true);
    info.raw = process.stdin.isRaw;
    process.stdin.setRawMode(false);
    info.rawAfter = process.stdin.isRaw;
  }
  process.stdin.on('data', (d) => {
    data += d;
    if (info.isTTY && data.includes('\\n')) process.stdin.pause(), done();
  });
  process.stdin.on('end', done);
  function done() {
    if (done.called) return; done.called = true;
    info.data = data;
    process.stdout.write('RESULT ' + JSON.stringify(info) + '\\n');
  }
`;

test('stdin as a pipe: all bytes, then end', async () => {
  const child = cp.spawn(process.execPath, ['-e', report], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  const lines = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n');
  for (let i = 0; i < lines.length; i += 4096) child.stdin.write(lines.slice(i, i + 4096));
  child.stdin.end();
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.strictEqual(code, 0);
  const info = JSON.parse(out.slice(out.indexOf('RESULT ') + 7));
  assert.strictEqual(info.isTTY, false);
  assert.strictEqual(info.outTTY, false);
  assert.strictEqual(info.data, lines);
});

test('stdin from a file and from /dev/null', () => {
  const r = cp.spawnSync(process.execPath, ['-e', report], { stdio: [require('node:fs').openSync(__filename, 'r'), 'pipe', 'inherit'] });
  assert.strictEqual(r.status, 0);
  const info = JSON.parse(r.stdout.toString().replace(/^RESULT /, ''));
  assert.strictEqual(info.data, require('node:fs').readFileSync(__filename, 'utf8'));
  const n = cp.spawnSync(process.execPath, ['-e', report], { stdio: ['ignore', 'pipe', 'inherit'] });
  assert.strictEqual(n.status, 0);
  assert.strictEqual(JSON.parse(n.stdout.toString().replace(/^RESULT /, '')).data, '');
});

// Python runs the child on a new pty of 100x30, types a line, and copies
// what the child prints to its own stdout until the child exits.
const PTY_HELPER = `
import os, pty, sys, fcntl, termios, struct, subprocess, select, time
m, s = pty.openpty()
fcntl.ioctl(s, termios.TIOCSWINSZ, struct.pack('HHHH', 30, 100, 0, 0))
p = subprocess.Popen(sys.argv[1:], stdin=s, stdout=s, stderr=s, start_new_session=True)
os.close(s)
time.sleep(0.3)
os.write(m, b'typed on a tty\\n')
out = b''
deadline = time.time() + 15
while time.time() < deadline:
    r, _, _ = select.select([m], [], [], 0.2)
    if r:
        try:
            d = os.read(m, 4096)
        except OSError:
            break
        if not d:
            break
        out += d
    elif p.poll() is not None:
        break
sys.stdout.buffer.write(out)
sys.exit(p.wait(timeout=5))
`;

test('stdin and stdout as a tty (through a pty)', async (t) => {
  const hasPy = cp.spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0;
  if (!hasPy) return t.skip('python3 with the pty module is not available');
  const r = await new Promise((resolve) => cp.execFile('python3', ['-c', PTY_HELPER, process.execPath, '-e', report], { timeout: 20000 }, (e, out) => resolve({ e, out })));
  assert.strictEqual(r.e, null, `pty helper failed: ${r.e}\n${r.out}`);
  const m = /RESULT (\{.*\})/.exec(r.out);
  assert.ok(m, `no RESULT in ${JSON.stringify(r.out)}`);
  const info = JSON.parse(m[1]);
  assert.strictEqual(info.isTTY, true);
  assert.strictEqual(info.outTTY, true);
  assert.strictEqual(info.cols, 100);
  assert.strictEqual(info.rows, 30);
  assert.strictEqual(info.raw, true);
  assert.strictEqual(info.rawAfter, false);
  assert.strictEqual(info.data.trim(), 'typed on a tty');
});
