// Package openapi holds chatmock's bundled OpenAPI documents, one per API.
// They are embedded so the binary needs no files beside it.
//
// It may import: nothing of the module.
package openapi

import "embed"

// FS holds the bundled documents at its root (tencent-im.yaml, ...).
//
//go:embed *.yaml
var FS embed.FS
