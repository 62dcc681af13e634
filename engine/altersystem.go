package engine

import (
	"encoding/json"
	"os"
	"path/filepath"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/storage/objstore"
)

// ALTER SYSTEM SET/RESET changes the defaults new sessions start with, as
// PostgreSQL's postgresql.auto.conf does. They are kept in the warehouse
// (written whole to a temporary file, then renamed), so every process
// serving the warehouse applies them to its next sessions.

func (e *Engine) systemSettingsPath() string {
	return filepath.Join(e.cat.Root(), "_lode", "system_settings.json")
}

func (e *Engine) systemSettings() map[string]string {
	m := map[string]string{}
	if data, err := os.ReadFile(e.systemSettingsPath()); err == nil {
		json.Unmarshal(data, &m)
	}
	return m
}

func (e *Engine) saveSystemSettings(m map[string]string) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return objstore.WriteFileAtomic(e.systemSettingsPath(), data, true)
}

func (s *Session) runAlterSystem(a *pg.AlterSystemStmt) (*Result, error) {
	v := a.Setstmt
	m := s.eng.systemSettings()
	switch v.Kind {
	case pg.VariableSetKind_VAR_SET_VALUE:
		val, err := settingValue(v.Args)
		if err != nil {
			return nil, err
		}
		d, ok := findSetting(v.Name)
		if !ok {
			return nil, sqlerr.New(sqlerr.UndefinedObject, "unrecognized configuration parameter \"%s\"", v.Name)
		}
		if d.check != nil {
			if _, err := d.check(val); err != nil {
				return nil, err
			}
		}
		m[d.name] = val
	case pg.VariableSetKind_VAR_SET_DEFAULT, pg.VariableSetKind_VAR_RESET:
		d, ok := findSetting(v.Name)
		if !ok {
			return nil, sqlerr.New(sqlerr.UndefinedObject, "unrecognized configuration parameter \"%s\"", v.Name)
		}
		delete(m, d.name)
	case pg.VariableSetKind_VAR_RESET_ALL:
		m = map[string]string{}
	default:
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "ALTER SYSTEM form not supported")
	}
	if err := s.eng.saveSystemSettings(m); err != nil {
		return nil, err
	}
	return tagf("ALTER SYSTEM"), nil
}

// applySystemSettings sets a new session's defaults from ALTER SYSTEM.
func (s *Session) applySystemSettings() {
	for name, val := range s.eng.systemSettings() {
		if d, ok := findSetting(name); ok {
			s.set.vals[d.name] = val
		}
	}
}
