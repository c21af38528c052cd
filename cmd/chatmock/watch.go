package main

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// watchInterval is how often --watch looks at the files.
const watchInterval = 300 * time.Millisecond

// watch calls reload whenever one of the files under paths changes (its
// size or modification time), until ctx ends. A reload that fails is
// logged; the previous version keeps serving.
func watch(ctx context.Context, paths []string, reload func() error, log *slog.Logger) {
	last := fingerprint(paths)
	t := time.NewTicker(watchInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := fingerprint(paths)
		if now == last {
			continue
		}
		last = now
		if err := reload(); err != nil {
			log.Error("reload failed; the previous version keeps serving", "err", err)
			continue
		}
		log.Info("reloaded documents, rules and scenarios")
	}
}

// fingerprint sums up the files under paths: name, size and time of each.
func fingerprint(paths []string) string {
	var lines []string
	for _, p := range paths {
		_ = filepath.WalkDir(p, func(f string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			if info, err := os.Stat(f); err == nil {
				lines = append(lines, fmt.Sprintf("%s %d %d", f, info.Size(), info.ModTime().UnixNano()))
			}
			return nil
		})
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
