// Package sqlerr carries PostgreSQL SQLSTATE codes on Go errors. Every error
// a client sees is an *Error; anything else reaching the wire is reported as
// XX000 (internal error). It is a leaf package so every layer can use it.
package sqlerr

import (
	"errors"
	"fmt"
)

// SQLSTATE codes Lode raises (PostgreSQL appendix A).
const (
	SyntaxError                = "42601"
	UndefinedTable             = "42P01"
	UndefinedColumn            = "42703"
	UndefinedFunction          = "42883"
	UndefinedObject            = "42704"
	DependentObjectsStillExist = "2BP01"
	UndefinedSchema            = "3F000"
	UndefinedDatabase          = "3D000"
	DuplicateTable             = "42P07"
	InvalidTableDefinition     = "42P16"
	DuplicateSchema            = "42P06"
	DuplicateDatabase          = "42P04"
	DuplicateObject            = "42710"
	DuplicateColumn            = "42701"
	AmbiguousColumn            = "42702"
	DatatypeMismatch           = "42804"
	GroupingError              = "42803"
	InvalidColumnRef           = "42P10"
	WrongObjectType            = "42809"
	FeatureNotSupported        = "0A000"
	DivisionByZero             = "22012"
	InvalidTextRep             = "22P02"
	NumericOutOfRange          = "22003"
	StringTruncation           = "22001"
	InvalidDatetimeFormat      = "22007"
	DatetimeOverflow           = "22008"
	InvalidParameterValue      = "22023"
	NotNullViolation           = "23502"
	CheckViolation             = "23514"
	CardinalityViolation       = "21000"
	InsufficientPrivilege      = "42501"
	SerializationFailure       = "40001"
	QueryCanceled              = "57014"
	OutOfMemory                = "53200"
	ProtocolViolation          = "08P01"
	UndefinedParameter         = "42P02"
	InvalidCursorName          = "34000"
	InvalidSQLStatement        = "26000"
	ActiveSQLTransaction       = "25001"
	InFailedTransaction        = "25P02"
	ObjectInUse                = "55006"
	DependentObjects           = "2BP01"
	InvalidSchemaName          = "3F000"
	InvalidName                = "42602"
	TooManyColumns             = "54011"
	WindowingError             = "42P20"
	Internal                   = "XX000"
)

// Error is an error with a SQLSTATE, optional detail/hint and a 1-based
// character position into the statement text (0 = none).
type Error struct {
	Code     string
	Message  string
	Detail   string
	Hint     string
	Position int
	Severity string // "ERROR" unless set
}

func (e *Error) Error() string { return e.Message }

// New builds an error with a code and a formatted message.
func New(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WithHint returns a copy of e with a HINT.
func (e *Error) WithHint(hint string) *Error {
	c := *e
	c.Hint = hint
	return &c
}

// WithPosition returns a copy of e pointing at a 1-based character offset.
func (e *Error) WithPosition(pos int) *Error {
	c := *e
	c.Position = pos
	return &c
}

// Code returns the SQLSTATE of err (XX000 when err carries none).
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Wrap gives err the code unless it already carries one.
func Wrap(code string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Code: code, Message: err.Error()}
}

// As extracts the *Error in err, converting plain errors to XX000.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: Internal, Message: err.Error()}
}
