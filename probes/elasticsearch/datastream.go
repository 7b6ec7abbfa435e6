package elasticsearch

import (
	"fmt"
	"io"
	"slices"
)

// maxBackingNames bounds the backing index names kept per data stream; a
// stream with more keeps its newest (the listing's last) and counts the
// rest.
const maxBackingNames = 1024

// dataStream is one entry of GET /_data_stream.
type dataStream struct {
	Name     string
	Status   string
	Template string
	Indices  []string // backing index names, oldest first, at most maxBackingNames
	Total    int      // backing indices listed, kept or not
}

// readDataStreams streams GET /_data_stream, {"data_streams": [...]},
// calling stream for each entry with a name.
func readDataStreams(r io.Reader, stream func(*dataStream) error) error {
	j := newJSONReader(r)
	err := eachMember(j, func(k []byte) error {
		if string(k) != "data_streams" {
			return j.skip()
		}
		return eachElement(j, func() error {
			ds, err := readDataStream(j)
			if err != nil || ds.Name == "" {
				return err
			}
			ds.unring()
			return stream(ds)
		})
	})
	if err == nil {
		err = j.end()
	}
	if err == nil || isStop(err) {
		return err
	}
	return fmt.Errorf("data streams answer: %w", err)
}

func readDataStream(j *jsonReader) (*dataStream, error) {
	ds := &dataStream{}
	return ds, eachMember(j, func(k []byte) error {
		var dst *string
		switch string(k) {
		case "name":
			dst = &ds.Name
		case "status":
			dst = &ds.Status
		case "template":
			dst = &ds.Template
		case "indices":
			if ds.Total > 0 {
				return fmt.Errorf("data stream %q lists its indices twice", ds.Name)
			}
			return readBacking(j, ds)
		default:
			return j.skip()
		}
		v, _, err := j.scalar()
		*dst = string(v)
		return err
	})
}

// readBacking reads [{"index_name": ...}, ...], keeping the last
// maxBackingNames names.
func readBacking(j *jsonReader, ds *dataStream) error {
	return eachElement(j, func() error {
		return eachMember(j, func(k []byte) error {
			if string(k) != "index_name" {
				return j.skip()
			}
			v, _, err := j.scalar()
			if err != nil {
				return err
			}
			// A ring of the last maxBackingNames names, put in order at the end.
			if len(ds.Indices) < maxBackingNames {
				ds.Indices = append(ds.Indices, string(v))
			} else {
				ds.Indices[ds.Total%maxBackingNames] = string(v)
			}
			ds.Total++
			return nil
		})
	})
}

// unring puts the ring of backing names back in listing order.
func (ds *dataStream) unring() {
	if ds.Total > len(ds.Indices) && len(ds.Indices) == maxBackingNames {
		at := ds.Total % maxBackingNames
		ds.Indices = slices.Concat(ds.Indices[at:], ds.Indices[:at])
	}
}
