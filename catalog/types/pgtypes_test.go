package types

import "testing"

// Identities of bytea, uuid and the alias types: OIDs, names, sizes and
// the metadata round trip (ParseName of String) that storage relies on.
func TestNewTypeIdentities(t *testing.T) {
	for _, c := range []struct {
		t         T
		name      string
		oid, aoid uint32
		size      int16
	}{
		{TBytea, "bytea", 17, 1001, -1},
		{TUUID, "uuid", 2950, 2951, 16},
		{TOID, "oid", 26, 1028, 4},
		{TJSON, "json", 114, 199, -1},
		{TJSONB, "jsonb", 3802, 3807, -1},
	} {
		if c.t.String() != c.name || c.t.OID() != c.oid || ArrayOf(c.t).OID() != c.aoid || c.t.Size() != c.size {
			t.Errorf("%s: got %s oid %d array %d size %d", c.name, c.t, c.t.OID(), ArrayOf(c.t).OID(), c.t.Size())
		}
		for _, x := range []T{c.t, ArrayOf(c.t)} {
			back, err := ParseName(x.String())
			if err != nil || back != x {
				t.Errorf("ParseName(%q) = %v, %v", x.String(), back, err)
			}
			if got, ok := FromOID(x.OID()); !ok || got != x {
				t.Errorf("FromOID(%d) = %v", x.OID(), got)
			}
		}
	}
}

func TestParseNewTypes(t *testing.T) {
	good := []struct {
		t        T
		in, want string
	}{
		{TBytea, `\xDEad be`, "\xde\xad\xbe"},
		{TBytea, `a\\b\000\377`, "a\\b\x00\xff"},
		{TUUID, "{A0EEBC99-9C0B4EF8-BB6D6BB9-BD380A11}", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
		{TJSONB, `{"b": 1e1, "a": [true, null], "b": -0.50}`, `{"a": [true, null], "b": -0.50}`},
		{TJSON, `{"b":1,"b":2}`, `{"b":1,"b":2}`},
	}
	for _, c := range good {
		v, err := ParseText(c.in, c.t)
		if err != nil || v != c.want {
			t.Errorf("%s %q: got %q, %v; want %q", c.t, c.in, v, err, c.want)
		}
	}
	for _, c := range []struct {
		t  T
		in string
	}{
		{TBytea, `\x1`}, {TBytea, `\xzz`}, {TBytea, `a\8`},
		{TUUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1"}, {TUUID, "a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11"},
		{TUUID, "-a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}, {TUUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-"},
		{TOID, "4294967296"}, {TOID, "-2147483649"}, {TOID, "1.5"},
		{TJSON, `{"a":}`}, {TJSONB, `[1] 2`},
	} {
		if v, err := ParseText(c.in, c.t); err == nil {
			t.Errorf("%s %q: accepted as %q", c.t, c.in, v)
		}
	}
	if v, err := ParseText("-1", TOID); err != nil || v != int64(4294967295) {
		t.Errorf("oid -1: %v %v", v, err)
	}
}
