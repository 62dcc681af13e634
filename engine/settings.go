package engine

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lodedb/lode/catalog/sqlerr"
)

// setting is a session variable with its default and how SHOW spells it.
type setting struct {
	name     string // canonical spelling (SHOW ALL, ParameterStatus)
	def      string
	reported bool // sent to the client as ParameterStatus
	check    func(string) (string, error)
}

var settingDefs = []setting{
	{name: "server_version", def: "15.0", reported: true, check: readOnly("server_version")},
	{name: "server_version_num", def: "150000", check: readOnly("server_version_num")},
	{name: "server_encoding", def: "UTF8", reported: true, check: readOnly("server_encoding")},
	{name: "client_encoding", def: "UTF8", reported: true, check: checkEncoding},
	{name: "DateStyle", def: "ISO, MDY", reported: true},
	{name: "TimeZone", def: "UTC", reported: true, check: checkTimeZone},
	{name: "IntervalStyle", def: "postgres", reported: true},
	{name: "integer_datetimes", def: "on", reported: true, check: readOnly("integer_datetimes")},
	{name: "standard_conforming_strings", def: "on", reported: true},
	{name: "application_name", def: "", reported: true},
	{name: "is_superuser", def: "on", reported: true, check: readOnly("is_superuser")},
	{name: "session_authorization", def: "", reported: true},
	{name: "default_transaction_read_only", def: "off", reported: true},
	{name: "in_hot_standby", def: "off", reported: true, check: readOnly("in_hot_standby")},
	{name: "search_path", def: `"$user", public`},
	{name: "extra_float_digits", def: "1"},
	{name: "statement_timeout", def: "0"},
	{name: "lock_timeout", def: "0"},
	{name: "idle_in_transaction_session_timeout", def: "0"},
	{name: "transaction_isolation", def: "read committed"},
	{name: "default_transaction_isolation", def: "read committed"},
	{name: "max_identifier_length", def: "63", check: readOnly("max_identifier_length")},
	{name: "lode.workers", def: ""},
	{name: "lode.retention_duration_check", def: "on"},
	// PostgreSQL server settings clients and tools set; Lode records them
	// (SHOW, ALTER SYSTEM) without acting on them.
	{name: "log_line_prefix", def: "%m [%p] "},
	{name: "log_statement", def: "none"},
	{name: "log_min_duration_statement", def: "-1"},
	{name: "work_mem", def: "4MB"},
	{name: "maintenance_work_mem", def: "64MB"},
	{name: "effective_cache_size", def: "4GB"},
	{name: "random_page_cost", def: "4"},
	{name: "jit", def: "off"},
	{name: "lc_messages", def: "C"},
	{name: "lc_monetary", def: "C"},
	{name: "lc_numeric", def: "C"},
	{name: "lc_time", def: "C"},
	{name: "lode.batch_size", def: ""},
	// lode.query_memory_limit bounds what one sort holds before it
	// spills sorted runs to disk (PostgreSQL's memory units: kB, MB, GB).
	{name: "lode.query_memory_limit", def: "2GB", check: checkMemory},
	{name: "lode.schema_auto_merge", def: "off"},
}

// checkMemory validates a memory size setting: a number of bytes or one
// with PostgreSQL's units (kB, MB, GB, TB; 1024-based); 0 is unlimited.
func checkMemory(v string) (string, error) {
	if _, err := parseMemory(v); err != nil {
		return "", err
	}
	return v, nil
}

func parseMemory(v string) (int64, error) {
	s := strings.TrimSpace(v)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"kB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"TB", 1 << 40}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for a memory size: \"%s\"", v).WithHint(
			`Valid units for this parameter are "B", "kB", "MB", "GB", and "TB".`)
	}
	return n * mult, nil
}

func readOnly(name string) func(string) (string, error) {
	return func(string) (string, error) {
		return "", sqlerr.New("55P02", "parameter \"%s\" cannot be changed", name)
	}
}

func checkEncoding(v string) (string, error) {
	switch strings.ToUpper(strings.ReplaceAll(v, "-", "")) {
	case "UTF8", "UNICODE":
		return "UTF8", nil
	}
	return "", sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"client_encoding\": \"%s\"", v)
}

func checkTimeZone(v string) (string, error) {
	if _, err := loadLocation(v); err != nil {
		return "", sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"TimeZone\": \"%s\"", v)
	}
	return v, nil
}

func loadLocation(v string) (*time.Location, error) {
	switch strings.ToUpper(v) {
	case "UTC", "GMT", "Z", "ZULU":
		return time.UTC, nil
	}
	return time.LoadLocation(v)
}

func findSetting(name string) (*setting, bool) {
	for i := range settingDefs {
		if strings.EqualFold(settingDefs[i].name, name) {
			return &settingDefs[i], true
		}
	}
	return nil, false
}

// settings holds a session's variables by canonical name.
type settings struct {
	vals map[string]string
}

func newSettings(user string) *settings {
	s := &settings{vals: map[string]string{}}
	for _, d := range settingDefs {
		s.vals[d.name] = d.def
	}
	s.vals["session_authorization"] = user
	return s
}

func (s *settings) get(name string) (string, error) {
	d, ok := findSetting(name)
	if !ok {
		return "", sqlerr.New(sqlerr.UndefinedObject, "unrecognized configuration parameter \"%s\"", name)
	}
	return s.vals[d.name], nil
}

// set changes a variable; it reports the canonical name.
func (s *settings) set(name, value string) (string, error) {
	d, ok := findSetting(name)
	if !ok {
		// Custom settings with a dot (e.g. myapp.x) are allowed, as in PostgreSQL.
		if strings.Contains(name, ".") {
			settingDefs = append(settingDefs, setting{name: strings.ToLower(name)})
			d, _ = findSetting(name)
		} else {
			return "", sqlerr.New(sqlerr.UndefinedObject, "unrecognized configuration parameter \"%s\"", name)
		}
	}
	if d.check != nil {
		v, err := d.check(value)
		if err != nil {
			return "", err
		}
		value = v
	}
	s.vals[d.name] = value
	return d.name, nil
}

func (s *settings) reset(name string) (string, error) {
	d, ok := findSetting(name)
	if !ok {
		return "", sqlerr.New(sqlerr.UndefinedObject, "unrecognized configuration parameter \"%s\"", name)
	}
	s.vals[d.name] = d.def
	return d.name, nil
}

func (s *settings) names() []string {
	var out []string
	for _, d := range settingDefs {
		out = append(out, d.name)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out
}

// searchPath parses search_path, dropping "$user" entries that name no schema.
func (s *settings) searchPath() []string {
	var out []string
	for _, p := range strings.Split(s.vals["search_path"], ",") {
		p = strings.TrimSpace(p)
		p = strings.Trim(p, `"`)
		if p == "" || p == "$user" {
			continue
		}
		out = append(out, p)
	}
	return out
}
