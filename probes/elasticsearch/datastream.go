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
	if err := j.begin(jsonObject); err != nil {
		return dsErr(err)
	}
	for first := true; ; first = false {
		ok, err := j.more(first)
		if err != nil {
			return dsErr(err)
		}
		if !ok {
			return dsErr(j.end())
		}
		k, err := j.key()
		if err != nil {
			return dsErr(err)
		}
		if string(k) != "data_streams" {
			if err := j.skip(); err != nil {
				return dsErr(err)
			}
			continue
		}
		if err := j.begin(jsonArray); err != nil {
			return dsErr(err)
		}
		for f := true; ; f = false {
			ok, err := j.more(f)
			if err != nil {
				return dsErr(err)
			}
			if !ok {
				break
			}
			ds, err := readDataStream(j)
			if err != nil {
				return dsErr(err)
			}
			if ds.Name == "" {
				continue
			}
			ds.unring()
			if err := stream(ds); err != nil {
				return err
			}
		}
	}
}

func readDataStream(j *jsonReader) (*dataStream, error) {
	ds := &dataStream{}
	if err := j.begin(jsonObject); err != nil {
		return nil, err
	}
	for first := true; ; first = false {
		ok, err := j.more(first)
		if err != nil || !ok {
			return ds, err
		}
		k, err := j.key()
		if err != nil {
			return nil, err
		}
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
				return nil, fmt.Errorf("data stream %q lists its indices twice", ds.Name)
			}
			if err := readBacking(j, ds); err != nil {
				return nil, err
			}
			continue
		default:
			if err := j.skip(); err != nil {
				return nil, err
			}
			continue
		}
		v, _, err := j.scalar()
		if err != nil {
			return nil, err
		}
		*dst = string(v)
	}
}

// readBacking reads [{"index_name": ...}, ...], keeping the last
// maxBackingNames names.
func readBacking(j *jsonReader, ds *dataStream) error {
	if err := j.begin(jsonArray); err != nil {
		return err
	}
	for first := true; ; first = false {
		ok, err := j.more(first)
		if err != nil || !ok {
			return err
		}
		if err := j.begin(jsonObject); err != nil {
			return err
		}
		for f := true; ; f = false {
			ok, err := j.more(f)
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			k, err := j.key()
			if err != nil {
				return err
			}
			if string(k) != "index_name" {
				if err := j.skip(); err != nil {
					return err
				}
				continue
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
		}
	}
}

// unring puts the ring of backing names back in listing order.
func (ds *dataStream) unring() {
	if ds.Total > len(ds.Indices) && len(ds.Indices) == maxBackingNames {
		at := ds.Total % maxBackingNames
		ds.Indices = slices.Concat(ds.Indices[at:], ds.Indices[:at])
	}
}

func dsErr(err error) error {
	if err == nil || isStop(err) {
		return err
	}
	return fmt.Errorf("data streams answer: %w", err)
}
