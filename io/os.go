package uvio

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// The OS helpers here read what Linux publishes under /proc and /sys. Each
// has an unexported twin taking the file system root, so tests can feed
// them a fake /proc.

// CPUInfo is one logical CPU as uv_cpu_info reports it: its model name,
// its speed in MHz, and the time it spent in each state in milliseconds.
type CPUInfo struct {
	Model                      string
	Speed                      int
	User, Nice, Sys, Idle, IRQ uint64
}

// clockTicks is USER_HZ, the unit of /proc/stat: 100 on every Linux
// architecture gouv supports (the kernel fixes it in its ABI).
const clockTicks = 100

// ErrNoData reports that /proc did not have what was asked for.
var ErrNoData = errors.New("uvio: no data in /proc")

// CPUs returns the logical CPUs that /proc/stat lists.
func CPUs() ([]CPUInfo, error) { return osCPUs("/") }

func osCPUs(root string) ([]CPUInfo, error) {
	stat, err := os.ReadFile(filepath.Join(root, "proc/stat"))
	if err != nil {
		return nil, err
	}
	var cpus []CPUInfo
	var ids []int
	for _, line := range bytes.Split(stat, []byte{'\n'}) {
		// "cpuN user nice system idle iowait irq softirq ...": the
		// summary line "cpu " has no number and is skipped.
		if len(line) < 4 || !bytes.HasPrefix(line, []byte("cpu")) || line[3] == ' ' {
			continue
		}
		f := bytes.Fields(line)
		id, err := strconv.Atoi(string(f[0][3:]))
		if err != nil || len(f) < 8 {
			continue
		}
		n := func(i int) uint64 {
			v, _ := strconv.ParseUint(string(f[i]), 10, 64)
			return v * (1000 / clockTicks)
		}
		cpus = append(cpus, CPUInfo{User: n(1), Nice: n(2), Sys: n(3), Idle: n(4), IRQ: n(6)})
		ids = append(ids, id)
	}
	if len(cpus) == 0 {
		return nil, ErrNoData
	}
	models, mhz := osCPUModels(root)
	for i := range cpus {
		cpus[i].Model = "unknown"
		if id := ids[i]; id < len(models) {
			cpus[i].Model = models[id]
			cpus[i].Speed = mhz[id]
		}
		if khz, ok := readUint(filepath.Join(root, "sys/devices/system/cpu",
			"cpu"+strconv.Itoa(ids[i]), "cpufreq/scaling_cur_freq")); ok {
			cpus[i].Speed = int(khz / 1000)
		}
	}
	return cpus, nil
}

// osCPUModels returns the model name and "cpu MHz" of each processor in
// /proc/cpuinfo, indexed by processor number.
func osCPUModels(root string) ([]string, []int) {
	info, err := os.ReadFile(filepath.Join(root, "proc/cpuinfo"))
	if err != nil {
		return nil, nil
	}
	var models []string
	var mhz []int
	cur := -1
	for _, line := range bytes.Split(info, []byte{'\n'}) {
		k, v, ok := bytes.Cut(line, []byte{':'})
		if !ok {
			continue
		}
		k = bytes.TrimSpace(k)
		v = bytes.TrimSpace(v)
		switch string(k) {
		case "processor":
			n, err := strconv.Atoi(string(v))
			if err != nil || n < 0 || n > 1<<16 {
				cur = -1
				continue
			}
			cur = n
			for len(models) <= n {
				models = append(models, "unknown")
				mhz = append(mhz, 0)
			}
		case "model name":
			if cur >= 0 {
				models[cur] = string(v)
			}
		case "cpu MHz":
			if cur >= 0 {
				f, _ := strconv.ParseFloat(string(v), 64)
				mhz[cur] = int(f)
			}
		}
	}
	return models, mhz
}

// readUint reads a file holding one decimal number.
func readUint(path string) (uint64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	v, err := strconv.ParseUint(string(bytes.TrimSpace(b)), 10, 64)
	return v, err == nil
}

// meminfo returns a field of /proc/meminfo in bytes.
func meminfo(root, field string) (uint64, bool) {
	b, err := os.ReadFile(filepath.Join(root, "proc/meminfo"))
	if err != nil {
		return 0, false
	}
	for _, line := range bytes.Split(b, []byte{'\n'}) {
		k, v, ok := bytes.Cut(line, []byte{':'})
		if !ok || string(k) != field {
			continue
		}
		f := bytes.Fields(v)
		if len(f) == 0 {
			return 0, false
		}
		n, err := strconv.ParseUint(string(f[0]), 10, 64)
		if err != nil {
			return 0, false
		}
		return n * 1024, true
	}
	return 0, false
}

// TotalMemory returns the physical memory in bytes (uv_get_total_memory).
func TotalMemory() uint64 {
	if v, ok := meminfo("/", "MemTotal"); ok {
		return v
	}
	var si unix.Sysinfo_t
	if unix.Sysinfo(&si) == nil {
		return uint64(si.Totalram) * uint64(si.Unit)
	}
	return 0
}

// FreeMemory returns the memory available to start new programs
// (MemAvailable), in bytes (uv_get_free_memory).
func FreeMemory() uint64 {
	if v, ok := meminfo("/", "MemAvailable"); ok {
		return v
	}
	var si unix.Sysinfo_t
	if unix.Sysinfo(&si) == nil {
		return uint64(si.Freeram) * uint64(si.Unit)
	}
	return 0
}

// ConstrainedMemory returns the memory limit of the process's cgroup in
// bytes, 0 when there is none or it is unknown (uv_get_constrained_memory).
func ConstrainedMemory() uint64 { return osConstrainedMemory("/") }

func osConstrainedMemory(root string) uint64 {
	// cgroup v1 mounts a memory hierarchy; libuv 1.44 reads its root
	// limit file there, and so do we.
	if v, ok := readUint(filepath.Join(root, "sys/fs/cgroup/memory/memory.limit_in_bytes")); ok {
		return v
	}
	// cgroup v2: one hierarchy, the process's group is the "0::" line.
	b, err := os.ReadFile(filepath.Join(root, "proc/self/cgroup"))
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(b, []byte{'\n'}) {
		rest, ok := bytes.CutPrefix(line, []byte("0::"))
		if !ok {
			continue
		}
		// "max" (no limit) does not parse and yields 0, as documented.
		v, _ := readUint(filepath.Join(root, "sys/fs/cgroup", string(rest), "memory.max"))
		return v
	}
	return 0
}

// AvailableMemory returns the bytes the process may still use
// (uv_get_available_memory, libuv 1.45): the cgroup's limit less its
// current usage, read from the same group ConstrainedMemory reads; the
// free memory when there is no limit or the limit exceeds the machine's.
func AvailableMemory() uint64 { return osAvailableMemory("/") }

func osAvailableMemory(root string) uint64 {
	limit := osConstrainedMemory(root)
	if limit == 0 || limit > TotalMemory() {
		return FreeMemory()
	}
	used, ok := readUint(filepath.Join(root, "sys/fs/cgroup/memory/memory.usage_in_bytes"))
	if !ok {
		b, err := os.ReadFile(filepath.Join(root, "proc/self/cgroup"))
		if err != nil {
			return FreeMemory()
		}
		for _, line := range bytes.Split(b, []byte{'\n'}) {
			if rest, found := bytes.CutPrefix(line, []byte("0::")); found {
				used, ok = readUint(filepath.Join(root, "sys/fs/cgroup", string(rest), "memory.current"))
				break
			}
		}
	}
	if !ok {
		return FreeMemory()
	}
	// Usage may pass the limit for a moment.
	if used > limit {
		return 0
	}
	return limit - used
}

// Uptime returns the seconds since boot (uv_uptime).
func Uptime() (float64, error) {
	if b, err := os.ReadFile("/proc/uptime"); err == nil {
		if f := bytes.Fields(b); len(f) > 0 {
			if v, err := strconv.ParseFloat(string(f[0]), 64); err == nil {
				return v, nil
			}
		}
	}
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
		return 0, err
	}
	return float64(ts.Sec) + float64(ts.Nsec)/1e9, nil
}

// LoadAvg returns the 1, 5 and 15 minute load averages (uv_loadavg).
func LoadAvg() [3]float64 {
	var si unix.Sysinfo_t
	if unix.Sysinfo(&si) != nil {
		return [3]float64{}
	}
	// The kernel keeps them in fixed point with 16 fraction bits.
	return [3]float64{
		float64(si.Loads[0]) / 65536, float64(si.Loads[1]) / 65536, float64(si.Loads[2]) / 65536,
	}
}

// ResidentSetMemory returns the process's resident set in bytes
// (uv_resident_set_memory).
func ResidentSetMemory() (uint64, error) { return osRSS("/") }

func osRSS(root string) (uint64, error) {
	b, err := os.ReadFile(filepath.Join(root, "proc/self/stat"))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces and parentheses: fields are
	// counted from the last ')'. RSS (in pages) is field 24, the 22nd
	// after the name.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, ErrNoData
	}
	f := bytes.Fields(b[i+1:])
	if len(f) < 22 {
		return 0, ErrNoData
	}
	pages, err := strconv.ParseUint(string(f[21]), 10, 64)
	if err != nil {
		return 0, ErrNoData
	}
	return pages * uint64(os.Getpagesize()), nil
}
