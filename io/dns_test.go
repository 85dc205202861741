package uvio

import (
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestIDNAToASCII(t *testing.T) {
	cases := []struct{ in, want string }{
		{"localhost", "localhost"},
		{"Example.COM.", "Example.COM."}, // ASCII is kept as it is
		{"bücher.example", "xn--bcher-kva.example"},
		{"München", "xn--Mnchen-3ya"},
		{"例え.テスト", "xn--r8jz45g.xn--zckzah"},
		{"例え。テスト", "xn--r8jz45g.xn--zckzah"}, // ideographic full stop
		{"ü", "xn--tda"},
		{"", ""},
		// RFC 3492 section 7.1 sample (L): mixed basic and non-basic.
		{"3年B組金八先生", "xn--3B-ww4c5e180e575a65lsy2b"},
	}
	for _, c := range cases {
		got, err := IDNAToASCII(nil, []byte(c.in))
		if err != nil || string(got) != c.want {
			t.Errorf("IDNAToASCII(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestIDNAToASCIIRejects(t *testing.T) {
	for _, in := range []string{"\xff.example", "a\xc3", strings.Repeat("a", 256)} {
		if _, err := IDNAToASCII(nil, []byte(in)); err != unix.EINVAL {
			t.Errorf("IDNAToASCII(%q): %v, want EINVAL", in, err)
		}
	}
	if _, err := IDNAToASCII(nil, []byte(strings.Repeat("a", 255))); err != nil {
		t.Errorf("255 characters: %v", err)
	}
}
