package sqltests

import "github.com/lodedb/lode/catalog/sqlerr"

// sqlStateOf is the SQLSTATE of a Lode error.
func sqlStateOf(err error) string { return sqlerr.Code(err) }
