package elasticsearch

import (
	"fmt"
	"io"
)

// scalar reads a string, number, true, false or null. Strings come back
// unescaped, numbers as written, and null as ok false.
func (j *jsonReader) scalar() (b []byte, ok bool, err error) {
	k, err := j.kind()
	if err != nil {
		return nil, false, err
	}
	switch k {
	case jsonString:
		b, err := j.str()
		return b, err == nil, err
	case jsonNumber:
		j.buf = j.buf[:0]
		for {
			c, err := j.r.ReadByte()
			if err == io.EOF {
				break
			} else if err != nil {
				return nil, false, err
			}
			if !(c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || ('0' <= c && c <= '9')) {
				j.r.UnreadByte()
				break
			}
			if j.buf = append(j.buf, c); len(j.buf) > maxJSONNumber {
				return nil, false, fmt.Errorf("a JSON number longer than %d bytes", maxJSONNumber)
			}
		}
		return j.buf, true, nil
	case jsonBool, jsonNull:
		word := "null"
		if c, _ := j.peek(); c == 't' {
			word = "true"
		} else if c == 'f' {
			word = "false"
		}
		if err := j.literal(word); err != nil {
			return nil, false, err
		}
		return []byte(word), k != jsonNull, nil
	}
	return nil, false, j.syntax("want a scalar, got %q", byte(k))
}

func (j *jsonReader) literal(word string) error {
	for i := 0; i < len(word); i++ {
		c, err := j.r.ReadByte()
		if err != nil {
			return eof(err)
		}
		if c != word[i] {
			return j.syntax("bad literal, want %s", word)
		}
	}
	return nil
}

// skip consumes one value of any kind without keeping it.
func (j *jsonReader) skip() error {
	k, err := j.kind()
	if err != nil {
		return err
	}
	switch k {
	case jsonObject, jsonArray:
		if err := j.begin(k); err != nil {
			return err
		}
		for first := true; ; first = false {
			ok, err := j.more(first)
			if err != nil || !ok {
				return err
			}
			if k == jsonObject {
				if err := j.stringInto(false); err != nil {
					return err
				}
				if c, err := j.peek(); err != nil {
					return err
				} else if c != ':' {
					return j.syntax("want ':' after a key, got %q", c)
				}
				j.r.ReadByte()
			}
			if err := j.skip(); err != nil {
				return err
			}
		}
	case jsonString:
		return j.stringInto(false)
	}
	_, _, err = j.scalar()
	return err
}

// eachMember walks an object, calling member with each key (valid only
// during the call); member must consume the value.
func eachMember(j *jsonReader, member func(key []byte) error) error {
	if err := j.begin(jsonObject); err != nil {
		return err
	}
	for first := true; ; first = false {
		ok, err := j.more(first)
		if err != nil || !ok {
			return err
		}
		k, err := j.key()
		if err != nil {
			return err
		}
		if err := member(k); err != nil {
			return err
		}
	}
}

// eachElement walks an array, calling element for each; element must
// consume the value.
func eachElement(j *jsonReader, element func() error) error {
	if err := j.begin(jsonArray); err != nil {
		return err
	}
	for first := true; ; first = false {
		ok, err := j.more(first)
		if err != nil || !ok {
			return err
		}
		if err := element(); err != nil {
			return err
		}
	}
}

// end checks that nothing but white space follows the document.
func (j *jsonReader) end() error {
	c, err := j.peek()
	if err == io.ErrUnexpectedEOF {
		return nil
	}
	if err != nil {
		return err
	}
	return j.syntax("%q after the end of the document", c)
}

// eof turns the end of the body inside a value into ErrUnexpectedEOF.
func eof(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
