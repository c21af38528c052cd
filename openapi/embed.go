// Package openapi holds chatmock's bundled OpenAPI documents, one per API.
// They are embedded so the binary needs no files beside it.
package openapi

import "embed"

// FS holds the bundled documents at its root (tencent-im.yaml, ...).
//
//go:embed *.yaml
var FS embed.FS
