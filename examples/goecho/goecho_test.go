package main

import (
	"bytes"
	"io"
	"net"
	"os"
	"runtime"
	"testing"
	"time"
)

// openFDs counts the process's descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// startServer runs an echo server on its own goroutine, locked to its OS
// thread as the loop wants, and returns it with a channel that yields
// run's result.
func startServer(t *testing.T) (*server, <-chan error) {
	t.Helper()
	ready := make(chan *server)
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		srv, err := start(0)
		if err != nil {
			done <- err
			close(ready)
			return
		}
		ready <- srv
		done <- srv.run()
	}()
	srv, ok := <-ready
	if !ok {
		t.Fatal(<-done)
	}
	return srv, done
}

func TestEchoOneMebibyte(t *testing.T) {
	// Warm up the Go runtime's own poller, so that its descriptors are
	// counted in the baseline and not as a leak.
	if ln, err := net.Listen("tcp", "127.0.0.1:0"); err == nil {
		ln.Close()
	}
	fds, goroutines := openFDs(t), runtime.NumGoroutine()

	srv, done := startServer(t)
	c, err := net.Dial("tcp", srv.addr)
	if err != nil {
		t.Fatal(err)
	}
	sent := make([]byte, 1<<20)
	for i := range sent {
		sent[i] = byte(i*31 + i>>10) // no period a lost or doubled chunk could hide in
	}
	// Write from a goroutine and read here at once: the echo comes back
	// while the client still sends, so neither side's buffers fill up.
	wrote := make(chan error, 1)
	go func() {
		_, err := c.Write(sent)
		if err == nil {
			err = c.(*net.TCPConn).CloseWrite()
		}
		wrote <- err
	}()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := io.ReadAll(c) // until the server closes after our EOF
	if err != nil {
		t.Fatal(err)
	}
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
	c.Close()
	if !bytes.Equal(got, sent) {
		i := 0
		for i < len(got) && i < len(sent) && got[i] == sent[i] {
			i++
		}
		t.Fatalf("echo differs: got %d bytes of %d, first difference at %d", len(got), len(sent), i)
	}

	srv.Stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the loop did not end after Stop")
	}

	// Goroutines end asynchronously after their last statement; give
	// them a moment before calling one a leak.
	for i := 0; i < 100 && runtime.NumGoroutine() > goroutines; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > goroutines {
		t.Errorf("goroutines: %d before, %d after", goroutines, n)
	}
	if n := openFDs(t); n != fds {
		t.Errorf("descriptors: %d before, %d after", fds, n)
	}
}

func TestStopClosesOpenConnections(t *testing.T) {
	srv, done := startServer(t)
	c, err := net.Dial("tcp", srv.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("echo %q, %v", buf, err)
	}
	srv.Stop() // the client is still connected
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n, err := c.Read(buf); err != io.EOF {
		t.Fatalf("after Stop the client read %d, %v; want EOF", n, err)
	}
}
