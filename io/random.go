package uvio

import "golang.org/x/sys/unix"

// Random fills buf from the kernel's random source (getrandom(2), which
// blocks only until the pool is first initialised at boot).
func Random(buf []byte) error {
	for len(buf) > 0 {
		// getrandom returns at most 32 MiB per call; go on until full.
		n, err := unix.Getrandom(buf, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		buf = buf[n:]
	}
	return nil
}
