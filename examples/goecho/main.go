// Command goecho is a TCP echo server written in Go directly on gouv's
// pure-Go packages, loop/ and io/ (package uvio), without cgo and without
// the C library: the way a Go program uses gouv's event loop.
//
//	go run ./examples/goecho -port 7000
//
// It listens on 127.0.0.1, echoes every byte each client sends, closes a
// connection once the client has shut down its side and everything was
// echoed, and on SIGINT or SIGTERM closes all handles and the loop.
// goecho_test.go drives it with net.Dial.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"
)

func main() {
	port := flag.Int("port", 0, "TCP port on 127.0.0.1 (0: any free port)")
	flag.Parse()

	// A loop belongs to the goroutine and OS thread that run it (see
	// loop/doc.go): keep main's goroutine on one thread for its life.
	runtime.LockOSThread()
	srv, err := start(*port)
	if err != nil {
		fmt.Fprintln(os.Stderr, "goecho:", err)
		os.Exit(1)
	}
	fmt.Println("listening on", srv.addr)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		srv.Stop()
	}()
	if err := srv.run(); err != nil {
		fmt.Fprintln(os.Stderr, "goecho:", err)
		os.Exit(1)
	}
}
