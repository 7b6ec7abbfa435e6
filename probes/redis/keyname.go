package redis

import (
	"github.com/spillcheck/spillcheck/scanner/redact"
)

// keyPatterns computes redact.Name of key names segment by segment, the
// segments being what lies between ':' (a separator redact.Name never
// matches across), with a memo of each segment's redaction: the keys of a
// listing mostly share their words, and an all-digit segment of up to
// nine digits always redacts to <int>. FuzzKeyPatterns checks that the
// result is redact.Name's for any name. Names over maxSegmented bytes go
// to redact.Name whole.
type keyPatterns struct {
	memo map[string]string
	buf  []byte
}

// Bounds of keyPatterns.
const (
	maxSegmented = 512  // redact.Name's own cut-off
	maxMemo      = 1024 // segments remembered (per pooled client)
)

// of returns the pattern of key as bytes valid until the next call.
func (k *keyPatterns) of(key []byte) []byte {
	if len(key) > maxSegmented {
		k.buf = append(k.buf[:0], redact.Name(string(key))...)
		return k.buf
	}
	if k.memo == nil {
		k.memo = make(map[string]string, 64)
	}
	k.buf = k.buf[:0]
	for start := 0; ; {
		end := start
		for end < len(key) && key[end] != ':' {
			end++
		}
		k.buf = append(k.buf, k.segment(key[start:end])...)
		if end == len(key) {
			return k.buf
		}
		k.buf = append(k.buf, ':')
		start = end + 1
	}
}

func (k *keyPatterns) segment(seg []byte) string {
	if len(seg) > 0 && len(seg) <= 9 && allDigitBytes(seg) {
		return redact.Int
	}
	if p, ok := k.memo[string(seg)]; ok {
		return p
	}
	s := string(seg)
	p := redact.Name(s)
	if len(k.memo) < maxMemo {
		k.memo[s] = p
	}
	return p
}

func allDigitBytes(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
