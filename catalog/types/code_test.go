package types

import "github.com/lodedb/lode/catalog/sqlerr"

func codeOf(err error) string { return sqlerr.Code(err) }
