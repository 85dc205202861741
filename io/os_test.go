package uvio

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestCPUsParseProcStatAndCpuinfo(t *testing.T) {
	root := writeTree(t, map[string]string{
		"proc/stat": "cpu  1 2 3 4 5 6 7\ncpu0 10 20 30 40 50 60 70 0 0 0\ncpu1 1 2 3 4 5 6 7 0 0 0\nintr 5\n",
		"proc/cpuinfo": "processor\t: 0\nmodel name\t: Alpha\ncpu MHz\t\t: 2400.5\n\n" +
			"processor\t: 1\nmodel name\t: Beta\ncpu MHz\t\t: 1200.0\n",
		"sys/devices/system/cpu/cpu1/cpufreq/scaling_cur_freq": "3000000\n",
	})
	got, err := osCPUs(root)
	if err != nil {
		t.Fatal(err)
	}
	want := []CPUInfo{
		{Model: "Alpha", Speed: 2400, User: 100, Nice: 200, Sys: 300, Idle: 400, IRQ: 600},
		{Model: "Beta", Speed: 3000, User: 10, Nice: 20, Sys: 30, Idle: 40, IRQ: 60},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("cpus (-want +got):\n%s", d)
	}
}

func TestCPUsWithoutProcStatFail(t *testing.T) {
	if _, err := osCPUs(t.TempDir()); err == nil {
		t.Fatal("no error without /proc/stat")
	}
}

func TestConstrainedMemoryCgroupV1AndV2(t *testing.T) {
	v1 := writeTree(t, map[string]string{"sys/fs/cgroup/memory/memory.limit_in_bytes": "1048576\n"})
	if got := osConstrainedMemory(v1); got != 1048576 {
		t.Fatalf("v1: got %d", got)
	}
	v2 := writeTree(t, map[string]string{
		"proc/self/cgroup":               "0::/app/x\n",
		"sys/fs/cgroup/app/x/memory.max": "2097152\n",
	})
	if got := osConstrainedMemory(v2); got != 2097152 {
		t.Fatalf("v2: got %d", got)
	}
	unlimited := writeTree(t, map[string]string{
		"proc/self/cgroup":         "0::/\n",
		"sys/fs/cgroup/memory.max": "max\n",
	})
	if got := osConstrainedMemory(unlimited); got != 0 {
		t.Fatalf("v2 max: got %d", got)
	}
	if got := osConstrainedMemory(t.TempDir()); got != 0 {
		t.Fatalf("none: got %d", got)
	}
}

func TestRSSCountsFromLastParenthesis(t *testing.T) {
	fields := "S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 77 22"
	root := writeTree(t, map[string]string{"proc/self/stat": "42 (a) b) " + fields + "\n"})
	got, err := osRSS(root)
	if err != nil {
		t.Fatal(err)
	}
	if want := uint64(77 * os.Getpagesize()); got != want {
		t.Fatalf("rss %d, want %d", got, want)
	}
}

func TestLiveHelpersAgreeWithKernel(t *testing.T) {
	if TotalMemory() == 0 || FreeMemory() == 0 || FreeMemory() > TotalMemory() {
		t.Fatalf("total %d free %d", TotalMemory(), FreeMemory())
	}
	if up, err := Uptime(); err != nil || up <= 0 {
		t.Fatalf("uptime %v %v", up, err)
	}
	if rss, err := ResidentSetMemory(); err != nil || rss == 0 {
		t.Fatalf("rss %v %v", rss, err)
	}
	if cpus, err := CPUs(); err != nil || len(cpus) == 0 {
		t.Fatalf("cpus %v %v", cpus, err)
	}
}
