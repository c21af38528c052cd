// Package dashboard holds the admin dashboard that chatmock serves at
// /__admin/ui: one page, one script and one stylesheet, written by hand
// (no framework, no build step) and embedded in the binary, so it works
// offline. The page reads and drives the admin API with fetch; it holds no
// data itself.
//
// It may import: nothing of the module.
package dashboard

import "embed"

// FS holds index.html, app.js and app.css.
//
//go:embed index.html app.js app.css
var FS embed.FS
