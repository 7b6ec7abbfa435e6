package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/output"
)

// resumeState is the --resume file: the JSON line of every finished result,
// appended as each target finishes and flushed, after the results file,
// whenever the scan has no finished result waiting (and at the end). A
// rerun replays those results into this run's outputs and skips their
// targets. A result a killed run had not flushed yet is simply probed
// again, so no result is lost and nothing flushed is probed twice.
type resumeState struct {
	fh   *os.File
	w    *output.JSONL
	done map[string]struct{}
}

// resume loads path (if it exists), replays its results and tells the
// planner to skip their targets.
func (rw *resultWriter) resume(path string, planner *scanner.Planner) error {
	st := &resumeState{done: map[string]struct{}{}}
	fh, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return &inputError{fmt.Errorf("--resume: %w", err)}
	}
	var replayed int
	err = scanner.ReadResults(fh, path, func(r scanner.Result) error {
		if _, dup := st.done[r.Target.Key()]; !dup {
			st.done[r.Target.Key()] = struct{}{}
			rw.add(&r)
			replayed++
		}
		return nil
	})
	if errors.Is(err, scanner.ErrTruncated) {
		rw.log.Warning().Msgf("--resume %s: the last line was cut off by the interrupted run; that target will be probed again", path)
		err = nil
	}
	if err != nil {
		fh.Close()
		return &inputError{fmt.Errorf("--resume: %w", err)}
	}
	if err := truncateToLastLine(fh); err != nil {
		fh.Close()
		return &inputError{fmt.Errorf("--resume: %w", err)}
	}
	if replayed > 0 {
		rw.resumed = true
		rw.log.Info().Msgf("--resume %s: %d targets already done; their results are kept and they are skipped", path, replayed)
	}
	st.fh, st.w = fh, output.NewJSONL(fh)
	rw.state = st
	planner.Skip = func(key string) bool { _, ok := st.done[key]; return ok }
	return nil
}

// truncateToLastLine cuts a partial last line and leaves the offset at the
// end, ready to append.
func truncateToLastLine(fh *os.File) error {
	info, err := fh.Stat()
	if err != nil {
		return err
	}
	size := info.Size()
	buf := make([]byte, 64<<10)
	end := size
	for end > 0 {
		n := min(int64(len(buf)), end)
		if _, err := fh.ReadAt(buf[:n], end-n); err != nil {
			return err
		}
		for i := n - 1; i >= 0; i-- {
			if buf[i] == '\n' {
				keep := end - n + i + 1
				if err := fh.Truncate(keep); err != nil {
					return err
				}
				_, err := fh.Seek(keep, 0)
				return err
			}
		}
		end -= n
	}
	if err := fh.Truncate(0); err != nil {
		return err
	}
	_, err = fh.Seek(0, 0)
	return err
}

func (st *resumeState) record(r *scanner.Result) error { return st.w.Result(r) }

func (st *resumeState) flush() error { return st.w.Flush() }

func (st *resumeState) close() error {
	if err := st.w.Flush(); err != nil {
		st.fh.Close()
		return err
	}
	return st.fh.Close()
}
