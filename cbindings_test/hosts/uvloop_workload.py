"""asyncio on uvloop (Debian's python3-uvloop, which links libuv.so.1).

Run as: python3 uvloop_workload.py CHECK. Each check drives one area of
libuv through uvloop's public asyncio API and raises (exit 1) when the
result is not what asyncio promises. Once the work is done it prints the
libuv files mapped into this process, so that the caller can tell gouv
from the system's libuv.
"""

import asyncio
import os
import signal
import socket
import sys
import tempfile

import uvloop


def print_mapped_libuv():
    # The caller compares these paths with the library it meant to load.
    seen = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            if len(fields) < 6:
                continue
            name = os.path.basename(fields[5])
            if name.startswith(("libuv.so", "libgouv.so")) and fields[5] not in seen:
                seen.add(fields[5])
                print("libuv-mapped", fields[5])


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


async def tcp_echo():
    # Several clients at once, each sending more than one socket buffer, so
    # that reads and writes are split and must be reassembled in order.
    async def handle(reader, writer):
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]

    async def client(i):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        payload = bytes((i + k) % 251 for k in range(300_000))
        writer.write(payload)
        await writer.drain()
        writer.write_eof()
        echoed = await reader.read()
        writer.close()
        await writer.wait_closed()
        expect(echoed == payload, f"client {i}: {len(echoed)} bytes back, not the same {len(payload)}")

    await asyncio.wait_for(asyncio.gather(*(client(i) for i in range(5))), 10)
    server.close()
    await server.wait_closed()

    # A port nobody listens on: the connect must fail with ECONNREFUSED.
    try:
        await asyncio.open_connection("127.0.0.1", port)
    except ConnectionRefusedError:
        pass
    else:
        raise AssertionError("connect to a closed port succeeded")


async def udp():
    loop = asyncio.get_running_loop()

    class Echo(asyncio.DatagramProtocol):
        def connection_made(self, transport):
            self.transport = transport

        def datagram_received(self, data, addr):
            self.transport.sendto(data.upper(), addr)

    class Client(asyncio.DatagramProtocol):
        def __init__(self):
            self.got = []
            self.done = loop.create_future()

        def datagram_received(self, data, addr):
            self.got.append(data)
            if len(self.got) == 10:
                self.done.set_result(None)

    server, _ = await loop.create_datagram_endpoint(Echo, local_addr=("127.0.0.1", 0))
    addr = server.get_extra_info("sockname")
    transport, client = await loop.create_datagram_endpoint(Client, remote_addr=addr)
    sent = [b"datagram %d" % i for i in range(10)]
    for d in sent:
        transport.sendto(d)
    await asyncio.wait_for(client.done, 5)
    # Loopback keeps datagrams, but need not keep their order.
    expect(sorted(client.got) == sorted(d.upper() for d in sent), f"got {client.got}")
    transport.close()
    server.close()


async def subprocess_pipes():
    # stdin, stdout and stderr as three pipes, more than a pipe buffer of
    # data through the child, and its exit status.
    data = os.urandom(200_000)
    proc = await asyncio.create_subprocess_exec(
        "/bin/sh", "-c", "cat; echo to-stderr >&2; exit 7",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(data), 10)
    expect(out == data, f"stdout: {len(out)} bytes, not the {len(data)} sent")
    expect(err == b"to-stderr\n", f"stderr: {err!r}")
    expect(proc.returncode == 7, f"exit status {proc.returncode}, not 7")

    # A child killed by a signal reports it as a negative return code.
    proc = await asyncio.create_subprocess_exec("sleep", "30")
    proc.terminate()
    rc = await asyncio.wait_for(proc.wait(), 5)
    expect(rc == -signal.SIGTERM, f"killed child returned {rc}")

    # Forty children at once, each with its own output and exit status.
    async def child(i):
        p = await asyncio.create_subprocess_exec(
            "/bin/sh", "-c", f"echo {i}; exit {i % 7}", stdout=asyncio.subprocess.PIPE)
        out, _ = await p.communicate()
        return p.returncode, out

    results = await asyncio.wait_for(asyncio.gather(*(child(i) for i in range(40))), 10)
    expect(results == [(i % 7, b"%d\n" % i) for i in range(40)], f"children: {results}")

    # A program that does not exist fails at spawn time.
    try:
        await asyncio.create_subprocess_exec("/nonexistent/program")
    except FileNotFoundError:
        pass
    else:
        raise AssertionError("spawning a missing program succeeded")


async def signals():
    loop = asyncio.get_running_loop()
    got = asyncio.Queue()
    loop.add_signal_handler(signal.SIGUSR1, got.put_nowait, "usr1")
    loop.add_signal_handler(signal.SIGUSR2, got.put_nowait, "usr2")
    os.kill(os.getpid(), signal.SIGUSR1)
    expect(await asyncio.wait_for(got.get(), 5) == "usr1", "SIGUSR1 handler")
    # From another process: a child signals its parent.
    proc = await asyncio.create_subprocess_exec("/bin/sh", "-c", "kill -USR2 $PPID")
    await proc.wait()
    expect(await asyncio.wait_for(got.get(), 5) == "usr2", "SIGUSR2 from a child")
    expect(loop.remove_signal_handler(signal.SIGUSR1), "remove_signal_handler")
    expect(not loop.remove_signal_handler(signal.SIGUSR1), "removed twice")


async def timers():
    loop = asyncio.get_running_loop()
    fired = []
    start = loop.time()
    delays = [0.05, 0.01, 0.03, 0.0, 0.02, 0.04]
    for d in delays:
        loop.call_later(d, lambda d=d: fired.append((d, loop.time() - start)))
    cancelled = loop.call_later(0.015, lambda: fired.append(("cancelled", 0)))
    cancelled.cancel()
    # call_soon callbacks run in the order they were scheduled.
    soon = []
    for i in range(5):
        loop.call_soon(soon.append, i)
    await asyncio.sleep(0.12)
    expect(soon == list(range(5)), f"call_soon order {soon}")
    expect([d for d, _ in fired] == sorted(delays), f"call_later order {fired}")
    # A timer never fires early (libuv's clock has millisecond resolution).
    for d, at in fired:
        expect(at >= d - 0.002, f"timer of {d}s fired after {at:.4f}s")
    # call_at at an absolute time runs then, not before. (Equal deadlines
    # are not checked for order: uvloop updates libuv's clock before each
    # timer it starts, so two call_at with one deadline may get libuv
    # timeouts a millisecond apart.)
    at = []
    when = loop.time() + 0.03
    for i in range(5):
        loop.call_at(when, lambda i=i: at.append((i, loop.time())))
    await asyncio.sleep(0.06)
    expect(sorted(i for i, _ in at) == list(range(5)), f"call_at ran {at}")
    for i, t in at:
        expect(t >= when - 0.002, f"call_at {i} ran {when - t:.4f}s early")


async def executor_dns():
    loop = asyncio.get_running_loop()
    # Blocking work in the executor while the loop keeps running.
    results = await asyncio.gather(*(loop.run_in_executor(None, pow, i, 2) for i in range(20)))
    expect(results == [i * i for i in range(20)], f"executor results {results}")
    # uvloop's getaddrinfo is libuv's uv_getaddrinfo on the thread pool;
    # many at once keep several pool threads busy.
    infos = await asyncio.gather(*(
        loop.getaddrinfo("localhost", 8000 + i, type=socket.SOCK_STREAM) for i in range(16)))
    for i, info in enumerate(infos):
        addrs = {(fam, sa[0], sa[1]) for fam, _, _, _, sa in info}
        expect(addrs, "no address for localhost")
        for fam, host, port in addrs:
            expect(host in ("127.0.0.1", "::1"), f"localhost is {host}")
            expect(port == 8000 + i, f"port {port}, not {8000 + i}")
    host, port = await loop.getnameinfo(("127.0.0.1", 80), socket.NI_NUMERICHOST | socket.NI_NUMERICSERV)
    expect((host, port) == ("127.0.0.1", "80"), f"getnameinfo gave {(host, port)}")
    try:
        # A failure that stays on this machine (no DNS query): a name where
        # AI_NUMERICHOST asks for a numeric address.
        await loop.getaddrinfo("localhost", 80, flags=socket.AI_NUMERICHOST)
    except socket.gaierror as e:
        expect(e.errno == socket.EAI_NONAME, f"gaierror {e.errno}, not EAI_NONAME")
    else:
        raise AssertionError("localhost passed as a numeric address")


async def unix_sockets():
    async def handle(reader, writer):
        line = await reader.readline()
        writer.write(line[::-1])
        await writer.drain()
        writer.close()

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "sock")
        server = await asyncio.start_unix_server(handle, path)
        for i in range(3):
            reader, writer = await asyncio.open_unix_connection(path)
            writer.write(b"hello %d\n" % i)
            back = await asyncio.wait_for(reader.read(), 5)
            expect(back == b"\n%d olleh" % i, f"unix echo {back!r}")
            writer.close()
        server.close()
        await server.wait_closed()


async def pipes():
    # os.pipe() ends opened as asyncio pipe transports (uv_pipe_open).
    loop = asyncio.get_running_loop()
    rfd, wfd = os.pipe()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(rfd, "rb", 0))
    wtransport, _ = await loop.connect_write_pipe(asyncio.Protocol, os.fdopen(wfd, "wb", 0))
    data = os.urandom(150_000)
    wtransport.write(data)
    wtransport.close()
    got = await asyncio.wait_for(reader.read(), 5)
    expect(got == data, f"pipe: {len(got)} bytes back, not the {len(data)} written")


async def tcp_many():
    # A hundred connections open at once, each a short request and reply,
    # with the server closing first.
    async def handle(reader, writer):
        line = await reader.readline()
        writer.write(b"re: " + line)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=128)
    port = server.sockets[0].getsockname()[1]

    async def client(i):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"request %d\n" % i)
        reply = await reader.read()
        writer.close()
        return reply

    replies = await asyncio.wait_for(asyncio.gather(*(client(i) for i in range(100))), 15)
    expect(replies == [b"re: request %d\n" % i for i in range(100)], "some replies were wrong")
    server.close()
    await server.wait_closed()


async def threadsafe():
    # Threads of ours wake the loop with call_soon_threadsafe (uv_async_send):
    # every call runs, on the loop's thread, in each thread's order.
    import threading

    loop = asyncio.get_running_loop()
    loop_thread = threading.get_ident()
    got = {t: [] for t in range(4)}
    done = loop.create_future()
    wrong_thread = []

    def record(t, i):
        if threading.get_ident() != loop_thread:
            wrong_thread.append((t, i))
        got[t].append(i)
        if sum(len(v) for v in got.values()) == 4 * 250 and not done.done():
            done.set_result(None)

    def worker(t):
        for i in range(250):
            loop.call_soon_threadsafe(record, t, i)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    await asyncio.wait_for(done, 10)
    for th in threads:
        th.join()
    expect(not wrong_thread, f"callbacks ran off the loop thread: {wrong_thread[:3]}")
    for t in range(4):
        expect(got[t] == list(range(250)), f"thread {t}: {len(got[t])} calls, or out of order")


async def readers():
    # add_reader/add_writer watch file descriptors of ours (uv_poll), and
    # the sock_* calls are built on them.
    loop = asyncio.get_running_loop()
    a, b = socket.socketpair()
    a.setblocking(False)
    b.setblocking(False)
    got = loop.create_future()
    loop.add_reader(b.fileno(), lambda: got.set_result(b.recv(100)) if not got.done() else None)
    writable = loop.create_future()
    loop.add_writer(a.fileno(), lambda: writable.set_result(True) if not writable.done() else None)
    expect(await asyncio.wait_for(writable, 5), "add_writer")
    loop.remove_writer(a.fileno())
    a.send(b"ready")
    expect(await asyncio.wait_for(got, 5) == b"ready", "add_reader")
    loop.remove_reader(b.fileno())
    a.close()
    b.close()

    # sock_accept, sock_connect, sock_sendall and sock_recv on plain sockets.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    client = socket.socket()
    client.setblocking(False)
    accepted, _ = await asyncio.wait_for(asyncio.gather(
        loop.sock_accept(listener), loop.sock_connect(client, listener.getsockname())), 5)
    conn, _ = accepted
    conn.setblocking(False)
    data = os.urandom(500_000)
    received = bytearray()

    async def receive():
        while len(received) < len(data):
            chunk = await loop.sock_recv(conn, 65536)
            if not chunk:
                break
            received.extend(chunk)

    await asyncio.wait_for(asyncio.gather(loop.sock_sendall(client, data), receive()), 10)
    expect(bytes(received) == data, f"sock_recv got {len(received)} of {len(data)} bytes")
    for sock in (client, conn, listener):
        sock.close()


def loops_in_threads():
    # Six uvloop loops (six uv_loop_t), each on a thread of its own, at the
    # same time: each serves and connects TCP, resolves through the shared
    # thread pool and runs a timer. (Not a child process: uvloop refuses
    # two loops spawning at once, "Racing with another loop to spawn".)
    import threading

    results = {}

    def run(idx):
        async def main():
            async def handle(reader, writer):
                data = await reader.read()
                writer.write(data[::-1])
                await writer.drain()
                writer.close()

            server = await asyncio.start_server(handle, "127.0.0.1", 0)
            port = server.sockets[0].getsockname()[1]
            good = 0
            for _ in range(10):
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                payload = os.urandom(20_000)
                writer.write(payload)
                writer.write_eof()
                good += await reader.read() == payload[::-1]
                writer.close()
            loop = asyncio.get_running_loop()
            infos = await loop.getaddrinfo("localhost", 7000 + idx, type=socket.SOCK_STREAM)
            ports = {sa[1] for *_, sa in infos}
            fired = loop.create_future()
            loop.call_later(0.01 * idx, fired.set_result, idx)
            server.close()
            await server.wait_closed()
            return good, ports, await asyncio.wait_for(fired, 5)

        loop = uvloop.new_event_loop()
        try:
            results[idx] = loop.run_until_complete(main())
        except Exception as e:  # reported below, with the thread it came from
            results[idx] = repr(e)
        finally:
            loop.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
    expect(results == {i: (10, {7000 + i}, i) for i in range(6)}, f"loops: {results}")


CHECKS = {
    "tcp_echo": tcp_echo,
    "udp": udp,
    "subprocess_pipes": subprocess_pipes,
    "signals": signals,
    "timers": timers,
    "executor_getaddrinfo": executor_dns,
    "unix_sockets": unix_sockets,
    "pipes": pipes,
    "tcp_many": tcp_many,
    "threadsafe": threadsafe,
    "readers": readers,
}

# Checks that create their own loops instead of running in asyncio.run().
PLAIN_CHECKS = {
    "loops_in_threads": loops_in_threads,
}


def main():
    if sys.argv[1] in PLAIN_CHECKS:
        PLAIN_CHECKS[sys.argv[1]]()
        print_mapped_libuv()
        print("ok", sys.argv[1])
        return
    check = CHECKS[sys.argv[1]]

    async def run():
        loop = asyncio.get_running_loop()
        expect(isinstance(loop, uvloop.Loop), f"the running loop is {type(loop)}, not uvloop's")
        await check()

    uvloop.install()
    asyncio.run(run())
    print_mapped_libuv()
    print("ok", sys.argv[1])


if __name__ == "__main__":
    main()
