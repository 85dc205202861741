package main

// #include "capi.h"
// #include "internal.h"
// #include <stdlib.h>
import "C"

import (
	"unsafe"

	"golang.org/x/sys/unix"

	uvio "gouv/io"
)

// The OS helpers that parse /proc and /sys: the logic is in io/os.go; here
// the results are copied into the host's structs and memory.

//export uv_cpu_info
func uv_cpu_info(out **C.uv_cpu_info_t, count *C.int) C.int {
	if out == nil || count == nil {
		return C.UV_EINVAL
	}
	*out, *count = nil, 0
	cpus, err := uvio.CPUs()
	if err != nil {
		return errno(err)
	}
	// The array and its model strings come from the replaceable
	// allocator: the host hands them back through uv_free_cpu_info.
	arr := (*C.uv_cpu_info_t)(C.gouv__calloc(C.size_t(len(cpus)), C.sizeof_uv_cpu_info_t))
	if arr == nil {
		return C.UV_ENOMEM
	}
	// SOUND: arr holds len(cpus) elements, allocated just above in C memory.
	infos := unsafe.Slice(arr, len(cpus))
	for i, c := range cpus {
		model := C.CString(c.Model) // Go's C.malloc copy, freed below
		infos[i].model = C.gouv__strdup(model)
		C.free(unsafe.Pointer(model))
		if infos[i].model == nil {
			C.uv_free_cpu_info(arr, C.int(i))
			return C.UV_ENOMEM
		}
		infos[i].speed = C.int(c.Speed)
		infos[i].cpu_times.user = C.uint64_t(c.User)
		infos[i].cpu_times.nice = C.uint64_t(c.Nice)
		infos[i].cpu_times.sys = C.uint64_t(c.Sys)
		infos[i].cpu_times.idle = C.uint64_t(c.Idle)
		infos[i].cpu_times.irq = C.uint64_t(c.IRQ)
	}
	*out, *count = arr, C.int(len(cpus))
	return 0
}

//export gouv_loadavg
func gouv_loadavg(avg *C.double) {
	if avg == nil {
		return
	}
	l := uvio.LoadAvg()
	// SOUND: the API takes a double[3] owned by the caller.
	a := unsafe.Slice(avg, 3)
	a[0], a[1], a[2] = C.double(l[0]), C.double(l[1]), C.double(l[2])
}

//export uv_uptime
func uv_uptime(uptime *C.double) C.int {
	if uptime == nil {
		return C.UV_EINVAL
	}
	v, err := uvio.Uptime()
	if err != nil {
		return errno(err)
	}
	*uptime = C.double(v)
	return 0
}

//export uv_resident_set_memory
func uv_resident_set_memory(rss *C.size_t) C.int {
	if rss == nil {
		return C.UV_EINVAL
	}
	v, err := uvio.ResidentSetMemory()
	if err != nil {
		return errno(err)
	}
	*rss = C.size_t(v)
	return 0
}

//export uv_get_free_memory
func uv_get_free_memory() C.uint64_t { return C.uint64_t(uvio.FreeMemory()) }

//export uv_get_total_memory
func uv_get_total_memory() C.uint64_t { return C.uint64_t(uvio.TotalMemory()) }

//export uv_get_constrained_memory
func uv_get_constrained_memory() C.uint64_t { return C.uint64_t(uvio.ConstrainedMemory()) }

//export uv_get_available_memory
func uv_get_available_memory() C.uint64_t { return C.uint64_t(uvio.AvailableMemory()) }

// errnoError turns a negative errno returned by a C helper into an error
// that errno() maps back.
func errnoError(r C.int) error { return unix.Errno(-r) }
