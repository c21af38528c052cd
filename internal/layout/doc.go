// Package layout holds the test that keeps the module's packages to their
// package comments: each comment's last paragraph says which of the
// module's packages the package may import, and the test fails on an
// import the paragraph does not name. It has no code of its own.
//
// It may import: nothing of the module.
package layout
