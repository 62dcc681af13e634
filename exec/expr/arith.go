package expr

import (
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/planner"
)

func init() {
	register(compileArith, "+", "-", "*", "/", "%")
	register(compileNeg, "neg")
}

func compileArith(f *planner.Func, args []Evaluator) (Evaluator, error) {
	if len(args) != 2 {
		return nil, wrongArgs(f)
	}
	op := f.Name[0]
	lt, rt := f.Args[0].Type(), f.Args[1].Type()
	// Date arithmetic: date ± int4 → date, int4 + date → date, date - date → int4.
	if lt.Kind == types.Date || rt.Kind == types.Date {
		switch {
		case lt.Kind == types.Date && rt.IsInteger() && (op == '+' || op == '-'):
			return &strictEval{args, intArithKernel[int32](op, types.TDate)}, nil
		case lt.IsInteger() && rt.Kind == types.Date && op == '+':
			return &strictEval{[]Evaluator{args[1], args[0]}, intArithKernel[int32](op, types.TDate)}, nil
		case lt.Kind == types.Date && rt.Kind == types.Date && op == '-':
			return &strictEval{args, intArithKernel[int32](op, types.TInt32)}, nil
		}
		return nil, unsupportedOp(f)
	}
	if lt.Kind != rt.Kind {
		return nil, sqlerr.New(sqlerr.DatatypeMismatch, "operator %s needs operands of one type, got %s and %s", f.Name, lt, rt)
	}
	switch lt.Kind {
	case types.Int16:
		return &strictEval{args, intArithKernel[int16](op, f.T)}, nil
	case types.Int32:
		return &strictEval{args, intArithKernel[int32](op, f.T)}, nil
	case types.Int64:
		return &strictEval{args, intArithKernel[int64](op, f.T)}, nil
	case types.Float32:
		if op != '%' {
			return &strictEval{args, floatArithKernel[float32](op)}, nil
		}
	case types.Float64:
		if op != '%' {
			return &strictEval{args, floatArithKernel[float64](op)}, nil
		}
	case types.Numeric:
		return &strictEval{args, numericArithKernel(op, f.T)}, nil
	}
	return nil, unsupportedOp(f)
}

func unsupportedOp(f *planner.Func) error {
	var ts []any
	for _, a := range f.Args {
		ts = append(ts, a.Type())
	}
	return sqlerr.New(sqlerr.UndefinedFunction, "operator does not exist: %s %s %s", ts[0], f.Name, ts[len(ts)-1])
}

func compileNeg(f *planner.Func, args []Evaluator) (Evaluator, error) {
	if len(args) != 1 {
		return nil, wrongArgs(f)
	}
	switch f.Args[0].Type().Kind {
	case types.Int16:
		return &strictEval{args, intNegKernel[int16](f.T)}, nil
	case types.Int32:
		return &strictEval{args, intNegKernel[int32](f.T)}, nil
	case types.Int64:
		return &strictEval{args, intNegKernel[int64](f.T)}, nil
	case types.Float32:
		return &strictEval{args, floatNegKernel[float32]()}, nil
	case types.Float64:
		return &strictEval{args, floatNegKernel[float64]()}, nil
	case types.Numeric:
		return &strictEval{args, numericNegKernel}, nil
	}
	return nil, unsupportedOp(f)
}
