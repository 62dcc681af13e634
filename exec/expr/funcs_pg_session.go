package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

// SessionInfo answers the functions that depend on the session running the
// query. It is nil at plan time (constant folding), so these functions are
// evaluated when the query runs.
type SessionInfo interface {
	CurrentUser() string
	SettingValue(name string) (string, bool)
	BackendPID() int32
}

func init() {
	register(compileSessionFn, "current_user", "session_user", "pg_backend_pid", "current_setting")
}

var errNoSession = sqlerr.New(sqlerr.Internal, "no session")

func compileSessionFn(f *planner.Func, args []Evaluator) (Evaluator, error) {
	switch f.Name {
	case "current_user", "session_user":
		return sessionConst(types.TText, func(s SessionInfo) any { return s.CurrentUser() }), nil
	case "pg_backend_pid":
		return sessionConst(types.TInt32, func(s SessionInfo) any { return int64(s.BackendPID()) }), nil
	case "current_setting":
		if len(args) == 0 {
			return nil, wrongArgs(f)
		}
		missingOK := len(args) == 2
		return &strictEval{args[:1], func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
			if ctx.Session == nil {
				return nil, errNoSession
			}
			var err error
			k := strMap(func(a []arrow.Array, i int) (string, error) {
				name := strAt(a[0], i)
				v, ok := ctx.Session.SettingValue(name)
				if !ok && !missingOK && err == nil {
					err = sqlerr.New(sqlerr.UndefinedObject, "unrecognized configuration parameter \"%s\"", name)
				}
				return v, err
			})
			return k(ctx, b, a)
		}}, nil
	}
	return nil, wrongArgs(f)
}

type sessionConstEval struct {
	t types.T
	v func(SessionInfo) any
}

func sessionConst(t types.T, v func(SessionInfo) any) Evaluator { return &sessionConstEval{t, v} }

func (e *sessionConstEval) Eval(ctx *Context, b batch.Batch) (arrow.Array, error) {
	if ctx.Session == nil {
		return nil, errNoSession
	}
	return broadcast(ctx.Alloc, e.t, e.v(ctx.Session), b.NumRows()), nil
}
