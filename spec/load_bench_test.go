package spec

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkLoadCorpus loads the largest documents of the shared corpus
// (../shared beside the repository), as serve does at start-up.
//
//	go test -run '^$' -bench LoadCorpus -benchmem ./spec
func BenchmarkLoadCorpus(b *testing.B) {
	for _, doc := range []string{"intercom-2.16/descriptions/2.16/api.intercom.io.yaml", "mastodon/dist/schema.json", "rocketchat-rooms/rooms.yaml"} {
		path := filepath.Join("..", "..", "shared", "corpus", doc)
		if _, err := os.Stat(path); err != nil {
			b.Skipf("the corpus is not beside the repository: %v", err)
		}
		b.Run(filepath.Base(doc), func(b *testing.B) {
			srcs, err := FromPaths([]string{path})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Load(context.Background(), srcs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
