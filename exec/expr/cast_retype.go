package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
)

// widensNumeric reports whether a numeric cast keeps every value as it is:
// same scale, and at least as many digits. The binder inserts such casts
// before every numeric operator (numeric(15,2) → numeric(38,2)); they
// need no per-value work, only the new Arrow type on the same buffers.
func widensNumeric(from, to types.T) bool {
	return from.Kind == types.Numeric && to.Kind == types.Numeric &&
		from.Scale == to.Scale && to.DecimalPrecision() >= from.DecimalPrecision()
}

// retypeEval relabels its argument's array with another Arrow type of the
// same layout, sharing the buffers.
type retypeEval struct {
	arg Evaluator
	dt  arrow.DataType
}

func (e *retypeEval) Eval(ctx *Context, b batch.Batch) (arrow.Array, error) {
	in, err := e.arg.Eval(ctx, b)
	if err != nil {
		return nil, err
	}
	defer in.Release()
	if arrow.TypeEqual(in.DataType(), e.dt) {
		in.Retain()
		return in, nil
	}
	d := in.Data()
	data := array.NewData(e.dt, d.Len(), d.Buffers(), nil, d.NullN(), d.Offset())
	defer data.Release()
	return array.MakeFromData(data), nil
}
