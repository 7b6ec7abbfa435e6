package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// checkOutputs makes sure every output file can be written before a probe
// is sent: a scan that runs for an hour must not end unable to write its
// report. An existing file is opened for writing (not truncated); a new one
// is created and removed again.
func checkOutputs(of *outputFlags) error {
	for _, o := range []struct{ flag, path string }{
		{"-o", of.out}, {"--sarif", of.reports.sarif}, {"--markdown", of.reports.markdown}, {"--html", of.reports.html},
	} {
		if o.path == "" || o.path == "-" {
			continue
		}
		if err := checkWritable(o.path); err != nil {
			return &inputError{fmt.Errorf("%s %s: cannot write: %v", o.flag, o.path, err)}
		}
	}
	return nil
}

func checkWritable(path string) error {
	if st, err := os.Stat(path); err == nil {
		if st.IsDir() {
			return errors.New("is a directory")
		}
		fh, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return reason(err)
		}
		return fh.Close()
	}
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return reason(err)
	}
	fh.Close()
	return os.Remove(path)
}

// reason drops the path from an *fs.PathError, which the caller names.
func reason(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
