package pgwire

import (
	"crypto/pbkdf2"
	"crypto/sha256"
)

func saltedPassword(password string, salt []byte, iter int) []byte {
	k, _ := pbkdf2.Key(sha256.New, password, salt, iter, sha256.Size)
	return k
}
