package catalog

import (
	"errors"

	"github.com/lodedb/lode/catalog/sqlerr"
)

// FunctionDef is a stored SQL-language function: its body is a single
// SELECT of one expression over its parameters, inlined at each call.
type FunctionDef struct {
	Name       string   `json:"name"`
	ParamNames []string `json:"param_names"`
	ParamTypes []string `json:"param_types"` // SQL type names
	Returns    string   `json:"returns"`
	Body       string   `json:"body"`
}

const kindFunction = "function"

// CreateFunction stores a function (replacing one of the same name if asked).
func (c *Catalog) CreateFunction(n Name, f FunctionDef, orReplace bool) error {
	if err := ValidateName("function", n.Table); err != nil {
		return err
	}
	if !c.SchemaExists(n.Catalog, n.Schema) {
		return sqlerr.New(sqlerr.UndefinedSchema, "schema \"%s\" does not exist", n.Schema)
	}
	err := c.putObject(n.Catalog, n.Schema, kindFunction, n.Table, f, orReplace)
	if errors.Is(err, errObjectExists) {
		return sqlerr.New("42723", "function \"%s\" already exists with same argument types", n.Table)
	}
	return err
}

// Function returns a stored function.
func (c *Catalog) Function(n Name) (FunctionDef, bool) {
	var f FunctionDef
	ok := c.getObject(n.Catalog, n.Schema, kindFunction, n.Table, &f)
	return f, ok
}

// DropFunction removes a function.
func (c *Catalog) DropFunction(n Name, ifExists bool) (bool, error) {
	if !c.deleteObject(n.Catalog, n.Schema, kindFunction, n.Table) {
		if ifExists {
			return false, nil
		}
		return false, sqlerr.New(sqlerr.UndefinedFunction, "function %s does not exist", n.Table)
	}
	return true, nil
}

// Functions lists the functions of a schema.
func (c *Catalog) Functions(cat, schema string) []string {
	return c.listObjects(cat, schema, kindFunction)
}
