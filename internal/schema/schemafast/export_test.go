package schemafast

// CompileWhy is compile for the tests: it says why a schema is unsupported.
var CompileWhy = compile
