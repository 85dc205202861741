package uvio

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"gouv/loop"
)

func TestSpawnReportsExitStatusAndSignal(t *testing.T) {
	l, err := loop.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	var a, b Process
	InitProcess(l, &a, 0, nil)
	InitProcess(l, &b, 0, nil)
	env := []string{"PATH=/usr/bin:/bin"}
	var status int64 = -1
	sig := -1
	if err := a.Spawn(&ProcessOptions{File: "sh", Args: []string{"sh", "-c", "exit 3"}, Env: env},
		func(p *Process, s int64, g int) { status, sig = s, g; p.Close(nil) }); err != nil {
		t.Fatal(err)
	}
	if a.Pid() <= 0 || !a.IsActive() {
		t.Fatalf("pid %d active %v", a.Pid(), a.IsActive())
	}
	var bsig int
	if err := b.Spawn(&ProcessOptions{File: "sleep", Args: []string{"sleep", "30"}, Env: env},
		func(p *Process, s int64, g int) { bsig = g; p.Close(nil) }); err != nil {
		t.Fatal(err)
	}
	if err := b.Kill(int(unix.SIGTERM)); err != nil {
		t.Fatal(err)
	}
	l.Run(loop.RunDefault)
	if status != 3 || sig != 0 || bsig != int(unix.SIGTERM) {
		t.Fatalf("status %d sig %d bsig %d", status, sig, bsig)
	}
	if err := b.Kill(0); err != unix.ESRCH {
		t.Fatalf("kill after exit: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestSpawnErrorsAreSynchronous(t *testing.T) {
	l, _ := loop.New(nil)
	var p Process
	InitProcess(l, &p, 0, nil)
	cb := func(*Process, int64, int) { t.Fatal("exit reported for a failed spawn") }
	if err := p.Spawn(&ProcessOptions{File: "/no/such", Args: []string{"x"}}, cb); err != unix.ENOENT {
		t.Fatalf("missing: %v", err)
	}
	if err := p.Spawn(&ProcessOptions{File: "", Args: []string{"x"}}, cb); err != ErrNoFile {
		t.Fatalf("empty: %v", err)
	}
	if p.IsActive() {
		t.Fatal("active after failures")
	}
	p.Close(nil)
	l.Run(loop.RunDefault)
	l.Close()
}

func TestLookPathLikeExecvp(t *testing.T) {
	dir := t.TempDir()
	noexec := filepath.Join(dir, "tool")
	os.WriteFile(noexec, []byte("#!/bin/sh\n"), 0o644)
	if _, err := lookPath("tool", dir); err != unix.EACCES {
		t.Fatalf("not executable: %v", err)
	}
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "tool"), []byte("#!/bin/sh\n"), 0o755)
	got, err := lookPath("tool", dir+":"+other)
	if err != nil || got != filepath.Join(other, "tool") {
		t.Fatalf("got %q %v", got, err)
	}
	if _, err := lookPath("nothing-here", dir); err != unix.ENOENT {
		t.Fatalf("missing: %v", err)
	}
	if got, _ := lookPath("./rel/x", dir); got != "./rel/x" {
		t.Fatalf("slash: %q", got)
	}
	if pathOf([]string{"A=1", "PATH=/x"}) != "/x" || pathOf(nil) != defaultPath {
		t.Fatal("pathOf")
	}
}
