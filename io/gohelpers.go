package uvio

import "unsafe"

// SetBytes sets the i-th buffer of the request to b, for Go programs that
// write Go memory: it is SetBuf without the unsafe.Pointer at the call
// site. An empty b is a zero-length buffer.
//
// The request keeps a pointer to b's array in its iovec (Go memory held
// by Go memory, so the garbage collector keeps the array alive), until the
// write completes; b must not be changed before then.
func (r *WriteReq) SetBytes(i int, b []byte) {
	if len(b) == 0 {
		r.SetBuf(i, nil, 0)
		return
	}
	r.SetBuf(i, unsafe.Pointer(unsafe.SliceData(b)), len(b))
}
