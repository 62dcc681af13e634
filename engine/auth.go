package engine

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/storage/objstore"
)

// Users and roles. They live in the warehouse at _lode/principals.json,
// rewritten atomically (temp file + rename) on every change and re-read
// before each change and lookup, so two processes sharing a warehouse see
// each other's users and a crash never leaves a torn file. Passwords are
// stored only as SCRAM-SHA-256 verifiers (PostgreSQL's format).

// Principal is a user or role.
type Principal struct {
	Name     string `json:"name"`
	Login    bool   `json:"login"`
	Super    bool   `json:"superuser,omitempty"`
	Verifier string `json:"scram,omitempty"` // SCRAM-SHA-256$iter:salt$StoredKey:ServerKey
	OID      uint32 `json:"oid"`
}

var principalsMu sync.Mutex // serialises read-modify-write within a process

func (e *Engine) principalsPath() string {
	return filepath.Join(e.cfg.Warehouse, "_lode", "principals.json")
}

// Principals lists users and roles by name.
func (e *Engine) Principals() ([]Principal, error) {
	principalsMu.Lock()
	defer principalsMu.Unlock()
	m, err := e.loadPrincipals()
	if err != nil {
		return nil, err
	}
	out := make([]Principal, 0, len(m))
	for _, p := range m {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// PasswordVerifier returns the SCRAM verifier of a user who may log in.
func (e *Engine) PasswordVerifier(user string) (string, bool) {
	principalsMu.Lock()
	defer principalsMu.Unlock()
	m, err := e.loadPrincipals()
	if err != nil {
		return "", false
	}
	p, ok := m[user]
	if !ok || !p.Login || p.Verifier == "" {
		return "", false
	}
	return p.Verifier, true
}

func (e *Engine) loadPrincipals() (map[string]Principal, error) {
	b, err := os.ReadFile(e.principalsPath())
	if os.IsNotExist(err) {
		return map[string]Principal{}, nil
	}
	if err != nil {
		return nil, err
	}
	var list []Principal
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("principals: %w", err)
	}
	m := map[string]Principal{}
	for _, p := range list {
		m[p.Name] = p
	}
	return m, nil
}

func (e *Engine) savePrincipals(m map[string]Principal) error {
	list := make([]Principal, 0, len(m))
	for _, p := range m {
		list = append(list, p)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	b, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return err
	}
	return objstore.WriteFileAtomic(e.principalsPath(), b, true)
}

// ScramVerifier derives a SCRAM-SHA-256 verifier from a password.
func ScramVerifier(password string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	const iter = 4096
	salted, _ := pbkdf2.Key(sha256.New, password, salt, iter, 32)
	ck := hmacSum(salted, "Client Key")
	stored := sha256.Sum256(ck)
	server := hmacSum(salted, "Server Key")
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", iter, b64(salt), b64(stored[:]), b64(server))
}

func hmacSum(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

// roleOptions applies CREATE/ALTER ROLE options to p.
func roleOptions(p *Principal, opts []*pg.Node) error {
	for _, n := range opts {
		d := n.GetDefElem()
		if d == nil {
			continue
		}
		boolArg := func() bool {
			if d.Arg != nil && d.Arg.GetBoolean() != nil {
				return d.Arg.GetBoolean().Boolval
			}
			if d.Arg != nil && d.Arg.GetInteger() != nil {
				return d.Arg.GetInteger().Ival != 0
			}
			return true
		}
		switch d.Defname {
		case "password":
			if d.Arg == nil || d.Arg.GetString_() == nil {
				p.Verifier = "" // PASSWORD NULL
				continue
			}
			pw := d.Arg.GetString_().Sval
			if strings.HasPrefix(pw, "SCRAM-SHA-256$") {
				p.Verifier = pw // already a verifier, as pg_dump writes
			} else if strings.HasPrefix(pw, "md5") && len(pw) == 35 {
				return sqlerr.New(sqlerr.FeatureNotSupported, "md5 password hashes cannot be stored; give the password itself (it is kept as a SCRAM-SHA-256 verifier)")
			} else {
				p.Verifier = ScramVerifier(pw)
			}
		case "canlogin":
			p.Login = boolArg()
		case "superuser":
			p.Super = boolArg()
		case "createdb", "createrole", "inherit", "replication", "bypassrls", "connectionlimit", "validUntil", "addroleto", "rolemembers", "adminmembers", "sysid":
		default:
			return sqlerr.New(sqlerr.FeatureNotSupported, "role option %s is not supported", d.Defname)
		}
	}
	return nil
}

func (s *Session) runCreateRole(c *pg.CreateRoleStmt) (*Result, error) {
	principalsMu.Lock()
	defer principalsMu.Unlock()
	m, err := s.eng.loadPrincipals()
	if err != nil {
		return nil, err
	}
	if _, ok := m[c.Role]; ok {
		return nil, sqlerr.New("42710", "role \"%s\" already exists", c.Role)
	}
	p := Principal{Name: c.Role, Login: c.StmtType == pg.RoleStmtType_ROLESTMT_USER, OID: nextRoleOID(m)}
	if err := roleOptions(&p, c.Options); err != nil {
		return nil, err
	}
	m[p.Name] = p
	if err := s.eng.savePrincipals(m); err != nil {
		return nil, err
	}
	return tagf("CREATE ROLE"), nil
}

func nextRoleOID(m map[string]Principal) uint32 {
	oid := uint32(16384)
	for _, p := range m {
		oid = max(oid, p.OID+1)
	}
	return oid
}

func (s *Session) runAlterRole(a *pg.AlterRoleStmt) (*Result, error) {
	principalsMu.Lock()
	defer principalsMu.Unlock()
	m, err := s.eng.loadPrincipals()
	if err != nil {
		return nil, err
	}
	name := a.Role.GetRolename()
	p, ok := m[name]
	if !ok {
		return nil, sqlerr.New("42704", "role \"%s\" does not exist", name)
	}
	if err := roleOptions(&p, a.Options); err != nil {
		return nil, err
	}
	m[name] = p
	if err := s.eng.savePrincipals(m); err != nil {
		return nil, err
	}
	return tagf("ALTER ROLE"), nil
}

func (s *Session) runDropRole(d *pg.DropRoleStmt) (*Result, error) {
	principalsMu.Lock()
	defer principalsMu.Unlock()
	m, err := s.eng.loadPrincipals()
	if err != nil {
		return nil, err
	}
	r := tagf("DROP ROLE")
	for _, n := range d.Roles {
		name := n.GetRoleSpec().GetRolename()
		if _, ok := m[name]; !ok {
			if d.MissingOk {
				r.Notices = append(r.Notices, fmt.Sprintf("role \"%s\" does not exist, skipping", name))
				continue
			}
			return nil, sqlerr.New("42704", "role \"%s\" does not exist", name)
		}
		if name == s.user {
			return nil, sqlerr.New(sqlerr.ObjectInUse, "current user cannot be dropped")
		}
		delete(m, name)
	}
	if err := s.eng.savePrincipals(m); err != nil {
		return nil, err
	}
	return r, nil
}
