package main

// #include "capi.h"
// #include "stream.h"
// #include "udp.h"
import "C"

import (
	"unsafe"

	uvio "gouv/io"
	"gouv/loop"
)

// What C and Go share has one definition on each side, and these
// declarations fail to compile (a negative or overflowing array length)
// unless the two agree: the handle and timer records' layout, the
// submission lists, the state bits. docs/design.md, "Handle memory is the
// state".
const (
	_ = uint32(C.GOUV_FLAG_CLOSING-loop.FlagClosing) + uint32(loop.FlagClosing-C.GOUV_FLAG_CLOSING)
	_ = uint32(C.GOUV_FLAG_CLOSED-loop.FlagClosed) + uint32(loop.FlagClosed-C.GOUV_FLAG_CLOSED)
	_ = uint32(C.GOUV_FLAG_ACTIVE-loop.FlagActive) + uint32(loop.FlagActive-C.GOUV_FLAG_ACTIVE)
	_ = uint32(C.GOUV_FLAG_REF-loop.FlagRef) + uint32(loop.FlagRef-C.GOUV_FLAG_REF)
	_ = uint32(C.GOUV_FLAG_INTERNAL-loop.FlagInternal) + uint32(loop.FlagInternal-C.GOUV_FLAG_INTERNAL)

	_ = uint32(C.GOUV_SUB_QUEUED-loop.SubQueued) + uint32(loop.SubQueued-C.GOUV_SUB_QUEUED)
	_ = uint32(C.GOUV_SUB_INIT-loop.SubInit) + uint32(loop.SubInit-C.GOUV_SUB_INIT)
	_ = uint32(C.GOUV_SUB_TIMER-loop.SubTimer) + uint32(loop.SubTimer-C.GOUV_SUB_TIMER)
	_ = uint32(C.GOUV_SUB_WATCH-loop.SubWatch) + uint32(loop.SubWatch-C.GOUV_SUB_WATCH)
	_ = uint32(C.GOUV_SUB_STARTED-loop.SubStarted) + uint32(loop.SubStarted-C.GOUV_SUB_STARTED)
	_ = uint32(C.GOUV_SUB_OWNER-loop.SubOwner) + uint32(loop.SubOwner-C.GOUV_SUB_OWNER)
	_ = uint32(C.GOUV_SUB_CLOSED-loop.SubClosed) + uint32(loop.SubClosed-C.GOUV_SUB_CLOSED)
	_ = uint32(C.GOUV_REC_TIMER-loop.RecTimer) + uint32(loop.RecTimer-C.GOUV_REC_TIMER)
	_ = uint32(C.GOUV_REC_WATCHER-loop.RecWatcher) + uint32(loop.RecWatcher-C.GOUV_REC_WATCHER)
	_ = uint32(C.GOUV_REC_ASYNC-loop.RecAsync) + uint32(loop.RecAsync-C.GOUV_REC_ASYNC)
	_ = uint32(C.GOUV_REC_PHASE_SHIFT-loop.RecPhaseShift) + uint32(loop.RecPhaseShift-C.GOUV_REC_PHASE_SHIFT)
	_ = uint32(C.GOUV_PHASE_IDLE-uint32(loop.PhaseIdle)) + uint32(uint32(loop.PhaseIdle)-C.GOUV_PHASE_IDLE)
	_ = uint32(C.GOUV_PHASE_PREPARE-uint32(loop.PhasePrepare)) + uint32(uint32(loop.PhasePrepare)-C.GOUV_PHASE_PREPARE)
	_ = uint32(C.GOUV_PHASE_CHECK-uint32(loop.PhaseCheck)) + uint32(uint32(loop.PhaseCheck)-C.GOUV_PHASE_CHECK)
	_ = uint32(C.GOUV_TIMER_READY-loop.TimerReady) + uint32(loop.TimerReady-C.GOUV_TIMER_READY)

	_ = uint32(C.GOUV_UDP_CONNECTED-uvio.UDPFlagConnected) + uint32(uvio.UDPFlagConnected-C.GOUV_UDP_CONNECTED)
	_ = uint32(C.GOUV_UDP_RECVMMSG-uvio.UDPFlagRecvmmsg) + uint32(uvio.UDPFlagRecvmmsg-C.GOUV_UDP_RECVMMSG)

	_ = uint32(C.GOUV__STREAM_READING-uvio.FlagReading) + uint32(uvio.FlagReading-C.GOUV__STREAM_READING)
	_ = uint32(C.GOUV__STREAM_READ_EOF-uvio.FlagReadEOF) + uint32(uvio.FlagReadEOF-C.GOUV__STREAM_READ_EOF)
	_ = uint32(C.GOUV__STREAM_READABLE-uvio.FlagReadable) + uint32(uvio.FlagReadable-C.GOUV__STREAM_READABLE)
	_ = uint32(C.GOUV__STREAM_WRITABLE-uvio.FlagWritable) + uint32(uvio.FlagWritable-C.GOUV__STREAM_WRITABLE)
	_ = uint32(C.GOUV__STREAM_CONNECTING-uvio.FlagConnecting) + uint32(uvio.FlagConnecting-C.GOUV__STREAM_CONNECTING)
	_ = uint32(C.GOUV__STREAM_SHUTTING-uvio.FlagShutting) + uint32(uvio.FlagShutting-C.GOUV__STREAM_SHUTTING)
	_ = uint32(C.GOUV__STREAM_SHUT-uvio.FlagShut) + uint32(uvio.FlagShut-C.GOUV__STREAM_SHUT)
	_ = uint32(C.GOUV__STREAM_NOT_SOCKET-uvio.FlagNotSocket) + uint32(uvio.FlagNotSocket-C.GOUV__STREAM_NOT_SOCKET)
	_ = uint32(C.GOUV__STREAM_BLOCKING_WRITES-uvio.FlagBlockingWrites) + uint32(uvio.FlagBlockingWrites-C.GOUV__STREAM_BLOCKING_WRITES)
)

var (
	_ [unsafe.Sizeof(loop.Rec{}) - unsafe.Sizeof(C.gouv_rec{})]byte
	_ [unsafe.Sizeof(C.gouv_rec{}) - unsafe.Sizeof(loop.Rec{})]byte
	_ [unsafe.Offsetof(loop.Rec{}.Closing) - unsafe.Offsetof(C.gouv_rec{}.closing)]byte
	_ [unsafe.Offsetof(C.gouv_rec{}.closing) - unsafe.Offsetof(loop.Rec{}.Closing)]byte
	_ [unsafe.Offsetof(loop.Rec{}.SubNext) - unsafe.Offsetof(C.gouv_rec{}.sub_next)]byte
	_ [unsafe.Offsetof(C.gouv_rec{}.sub_next) - unsafe.Offsetof(loop.Rec{}.SubNext)]byte
	_ [unsafe.Offsetof(loop.Rec{}.Sub) - unsafe.Offsetof(C.gouv_rec{}.sub)]byte
	_ [unsafe.Offsetof(C.gouv_rec{}.sub) - unsafe.Offsetof(loop.Rec{}.Sub)]byte
	_ [unsafe.Offsetof(loop.Rec{}.Kind) - unsafe.Offsetof(C.gouv_rec{}.kind)]byte
	_ [unsafe.Offsetof(C.gouv_rec{}.kind) - unsafe.Offsetof(loop.Rec{}.Kind)]byte
	_ [unsafe.Offsetof(loop.Rec{}.LoopNo) - unsafe.Offsetof(C.gouv_rec{}.loop_no)]byte
	_ [unsafe.Offsetof(C.gouv_rec{}.loop_no) - unsafe.Offsetof(loop.Rec{}.LoopNo)]byte
	_ [unsafe.Offsetof(loop.Rec{}.Slot) - unsafe.Offsetof(C.gouv_rec{}.slot)]byte
	_ [unsafe.Offsetof(C.gouv_rec{}.slot) - unsafe.Offsetof(loop.Rec{}.Slot)]byte
	_ [unsafe.Offsetof(loop.Rec{}.Tag) - unsafe.Offsetof(C.gouv_rec{}.tag)]byte
	_ [unsafe.Offsetof(C.gouv_rec{}.tag) - unsafe.Offsetof(loop.Rec{}.Tag)]byte
	_ [unsafe.Offsetof(loop.Rec{}.Flags) - unsafe.Offsetof(C.gouv_rec{}.flags)]byte
	_ [unsafe.Offsetof(C.gouv_rec{}.flags) - unsafe.Offsetof(loop.Rec{}.Flags)]byte

	_ [unsafe.Sizeof(loop.TimerRec{}) - unsafe.Sizeof(C.gouv_timer_rec{})]byte
	_ [unsafe.Sizeof(C.gouv_timer_rec{}) - unsafe.Sizeof(loop.TimerRec{})]byte
	_ [unsafe.Offsetof(loop.TimerHandle{}.Timer) - unsafe.Sizeof(C.gouv_rec{})]byte
	_ [unsafe.Sizeof(C.gouv_rec{}) - unsafe.Offsetof(loop.TimerHandle{}.Timer)]byte
	_ [unsafe.Offsetof(loop.TimerRec{}.Due) - unsafe.Offsetof(C.gouv_timer_rec{}.due)]byte
	_ [unsafe.Offsetof(C.gouv_timer_rec{}.due) - unsafe.Offsetof(loop.TimerRec{}.Due)]byte
	_ [unsafe.Offsetof(loop.TimerRec{}.Repeat) - unsafe.Offsetof(C.gouv_timer_rec{}.repeat)]byte
	_ [unsafe.Offsetof(C.gouv_timer_rec{}.repeat) - unsafe.Offsetof(loop.TimerRec{}.Repeat)]byte
	_ [unsafe.Offsetof(loop.TimerRec{}.Seq) - unsafe.Offsetof(C.gouv_timer_rec{}.seq)]byte
	_ [unsafe.Offsetof(C.gouv_timer_rec{}.seq) - unsafe.Offsetof(loop.TimerRec{}.Seq)]byte
	_ [unsafe.Offsetof(loop.TimerRec{}.Index) - unsafe.Offsetof(C.gouv_timer_rec{}.index)]byte
	_ [unsafe.Offsetof(C.gouv_timer_rec{}.index) - unsafe.Offsetof(loop.TimerRec{}.Index)]byte
	_ [unsafe.Offsetof(loop.TimerRec{}.State) - unsafe.Offsetof(C.gouv_timer_rec{}.state)]byte
	_ [unsafe.Offsetof(C.gouv_timer_rec{}.state) - unsafe.Offsetof(loop.TimerRec{}.State)]byte

	_ [unsafe.Sizeof(loop.WatcherRec{}) - unsafe.Sizeof(C.gouv_watcher_rec{})]byte
	_ [unsafe.Sizeof(C.gouv_watcher_rec{}) - unsafe.Sizeof(loop.WatcherRec{})]byte
	_ [unsafe.Offsetof(loop.WatcherHandle{}.Watcher) - unsafe.Sizeof(C.gouv_rec{})]byte
	_ [unsafe.Sizeof(C.gouv_rec{}) - unsafe.Offsetof(loop.WatcherHandle{}.Watcher)]byte

	_ [unsafe.Sizeof(loop.AsyncRec{}) - unsafe.Sizeof(C.gouv_async_rec{})]byte
	_ [unsafe.Sizeof(C.gouv_async_rec{}) - unsafe.Sizeof(loop.AsyncRec{})]byte
	_ [unsafe.Offsetof(loop.AsyncRec{}.Pending) - unsafe.Offsetof(C.gouv_async_rec{}.pending)]byte
	_ [unsafe.Offsetof(C.gouv_async_rec{}.pending) - unsafe.Offsetof(loop.AsyncRec{}.Pending)]byte
	_ [unsafe.Offsetof(loop.AsyncRec{}.Busy) - unsafe.Offsetof(C.gouv_async_rec{}.busy)]byte
	_ [unsafe.Offsetof(C.gouv_async_rec{}.busy) - unsafe.Offsetof(loop.AsyncRec{}.Busy)]byte
	_ [unsafe.Offsetof(loop.AsyncHandle{}.Async) - unsafe.Sizeof(C.gouv_rec{})]byte
	_ [unsafe.Sizeof(C.gouv_rec{}) - unsafe.Offsetof(loop.AsyncHandle{}.Async)]byte

	_ [unsafe.Sizeof(loop.Submissions{}) - unsafe.Sizeof(C.gouv_subs{})]byte
	_ [unsafe.Sizeof(C.gouv_subs{}) - unsafe.Sizeof(loop.Submissions{})]byte

	// A C stream's Go state lives in its private words (capi/stream.go,
	// streamIn), with its watcher's descriptor on io_watcher.fd.
	_ [unsafe.Offsetof(C.uv_stream_t{}.gouv_stream_a) + ptrSize + uvio.StreamFDOffset -
		(unsafe.Offsetof(C.uv_stream_t{}.io_watcher) + unsafe.Offsetof(C.uv__io_t{}.fd))]byte
	_ [unsafe.Offsetof(C.uv_stream_t{}.io_watcher) + unsafe.Offsetof(C.uv__io_t{}.fd) -
		(unsafe.Offsetof(C.uv_stream_t{}.gouv_stream_a) + ptrSize + uvio.StreamFDOffset)]byte
	_ [unsafe.Offsetof(C.uv_stream_t{}.gouv_stream_b) -
		(unsafe.Offsetof(C.uv_stream_t{}.gouv_stream_a) + ptrSize + uvio.StreamSize)]byte

	// A C UDP handle's Go state is its io_watcher (capi/udp.go, udpAt).
	_ [uvio.UDPFDOffset - unsafe.Offsetof(C.uv__io_t{}.fd)]byte
	_ [unsafe.Offsetof(C.uv__io_t{}.fd) - uvio.UDPFDOffset]byte
	_ [unsafe.Sizeof(C.uv__io_t{}) - uvio.UDPSize]byte
)

const ptrSize = unsafe.Sizeof(uintptr(0))
