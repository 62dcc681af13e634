package exec

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lodedb/lode/exec/batch"
)

// renameOp re-labels its input's record with another schema of the same
// types (column names differ between UNION branches).
type renameOp struct {
	Operator
	schema *arrow.Schema
}

func (o *renameOp) Next(ctx context.Context) (batch.Batch, error) {
	b, err := o.Operator.Next(ctx)
	if err != nil || b.End() {
		return b, err
	}
	rec := array.NewRecord(o.schema, b.Rec.Columns(), b.Rec.NumRows())
	return batch.Batch{Rec: rec, Sel: b.Sel}, nil
}
