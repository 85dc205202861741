package uvio

import (
	"unicode/utf8"

	"golang.org/x/sys/unix"
)

// Name resolution itself is libc's (getaddrinfo and getnameinfo run on the
// thread pool, called from capi): what is Go's here is the conversion of
// host names to ASCII that libuv applies before every lookup.

// IDNAMaxLen is the longest ASCII host name a lookup accepts: libuv
// converts into a 256-byte buffer that also holds the terminating NUL.
const IDNAMaxLen = 255

// Punycode parameters (RFC 3492, section 5).
const (
	punyBase        = 36
	punyTMin        = 1
	punyTMax        = 26
	punySkew        = 38
	punyDamp        = 700
	punyInitialBias = 72
	punyInitialN    = 128
)

// IDNAToASCII appends the ASCII form of the host name name to dst, the way
// libuv prepares names for getaddrinfo: labels are separated by '.' or by
// the ideographic and fullwidth full stops (U+3002, U+FF0E, U+FF61), which
// become '.'; a label of ASCII characters is kept as it is (no case
// folding, no mapping), and any other label becomes "xn--" followed by its
// Punycode encoding. Invalid UTF-8 and results longer than IDNAMaxLen are
// EINVAL.
func IDNAToASCII(dst, name []byte) ([]byte, error) {
	start := len(dst)
	label := 0
	for i := 0; i < len(name); {
		r, size := utf8.DecodeRune(name[i:])
		if r == utf8.RuneError && size <= 1 {
			return dst, unix.EINVAL
		}
		if r == '.' || r == 0x3002 || r == 0xff0e || r == 0xff61 {
			var err error
			if dst, err = idnaLabel(dst, name[label:i]); err != nil {
				return dst, err
			}
			dst = append(dst, '.')
			label = i + size
		}
		i += size
	}
	var err error
	if dst, err = idnaLabel(dst, name[label:]); err != nil {
		return dst, err
	}
	if len(dst)-start > IDNAMaxLen {
		return dst, unix.EINVAL
	}
	return dst, nil
}

// idnaLabel appends one label, encoded if it is not all ASCII.
func idnaLabel(dst, label []byte) ([]byte, error) {
	ascii := true
	for _, c := range label {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return append(dst, label...), nil
	}
	dst = append(dst, "xn--"...)
	return punycodeEncode(dst, label)
}

// punycodeEncode appends the Punycode of the UTF-8 label (RFC 3492,
// section 6.3): its basic code points, a delimiter if there were any, then
// the insertions of the others as generalized variable-length integers.
func punycodeEncode(dst, label []byte) ([]byte, error) {
	var runes [64]rune // labels longer than this overflow the name anyway
	rs := runes[:0]
	for i := 0; i < len(label); {
		r, size := utf8.DecodeRune(label[i:])
		rs = append(rs, r)
		i += size
	}
	basic := 0
	for _, r := range rs {
		if r < 0x80 {
			dst = append(dst, byte(r))
			basic++
		}
	}
	if basic > 0 {
		dst = append(dst, '-')
	}
	n, delta, bias := rune(punyInitialN), 0, punyInitialBias
	for h := basic; h < len(rs); {
		m := rune(0x7fffffff)
		for _, r := range rs {
			if r >= n && r < m {
				m = r
			}
		}
		if int(m-n) > (1<<31-1-delta)/(h+1) {
			return dst, unix.EINVAL
		}
		delta += int(m-n) * (h + 1)
		n = m
		for _, r := range rs {
			if r < n {
				delta++
			}
			if r != n {
				continue
			}
			q := delta
			for k := punyBase; ; k += punyBase {
				t := k - bias
				if t < punyTMin {
					t = punyTMin
				} else if t > punyTMax {
					t = punyTMax
				}
				if q < t {
					break
				}
				dst = append(dst, punyDigit(t+(q-t)%(punyBase-t)))
				q = (q - t) / (punyBase - t)
			}
			dst = append(dst, punyDigit(q))
			bias = punyAdapt(delta, h+1, h == basic)
			delta = 0
			h++
		}
		delta++
		n++
	}
	return dst, nil
}

func punyDigit(d int) byte {
	if d < 26 {
		return byte('a' + d)
	}
	return byte('0' + d - 26)
}

// punyAdapt is the bias adaptation of RFC 3492, section 6.1.
func punyAdapt(delta, points int, first bool) int {
	if first {
		delta /= punyDamp
	} else {
		delta /= 2
	}
	delta += delta / points
	k := 0
	for delta > ((punyBase-punyTMin)*punyTMax)/2 {
		delta /= punyBase - punyTMin
		k += punyBase
	}
	return k + (punyBase-punyTMin+1)*delta/(delta+punySkew)
}
