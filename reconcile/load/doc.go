// Package load is the first stage of the pipeline: it finds the spec files
// of a directory, reads them with a size cap, decrypts them with sops (MAC
// verified), checks them against their vendor's JSON Schema and refuses
// secrets that are not encrypted on disk. It returns every spec, or every
// problem of every file, each located by file, line, column and key path.
package load
