package pgwire

import (
	"bufio"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"

	"github.com/jackc/pgproto3/v2"
	"github.com/lodedb/lode/catalog/sqlerr"
)

// HBA picks the authentication method by client address, like
// PostgreSQL's pg_hba.conf: the first rule whose network holds the address
// wins. Methods: trust, scram-sha-256, md5, password (cleartext), reject.
// Passwords are stored only as SCRAM verifiers, so md5 runs SCRAM, exactly
// as PostgreSQL does for a SCRAM-stored password under an md5 rule.
type HBA struct {
	Rules []HBARule
	// Verifier returns a login user's SCRAM-SHA-256 verifier.
	Verifier func(user string) (string, bool)
}

// HBARule is one line: a network and a method.
type HBARule struct {
	Net    netip.Prefix
	Method string
}

// DefaultHBA trusts loopback connections (development) and asks everyone
// else for a SCRAM-SHA-256 password.
func DefaultHBA(verifier func(string) (string, bool)) *HBA {
	return &HBA{Verifier: verifier, Rules: []HBARule{
		{netip.MustParsePrefix("127.0.0.0/8"), "trust"},
		{netip.MustParsePrefix("::1/128"), "trust"},
		{netip.MustParsePrefix("0.0.0.0/0"), "scram-sha-256"},
		{netip.MustParsePrefix("::/0"), "scram-sha-256"},
	}}
}

// LoadHBA reads rules from a file of lines "host all all ADDRESS METHOD"
// (PostgreSQL's layout; database and user must be "all") or the short form
// "ADDRESS METHOD". # starts a comment.
func LoadHBA(path string, verifier func(string) (string, bool)) (*HBA, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := &HBA{Verifier: verifier}
	sc := bufio.NewScanner(f)
	for ln := 1; sc.Scan(); ln++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fs := strings.Fields(line)
		if len(fs) == 0 {
			continue
		}
		if len(fs) == 5 && (fs[0] == "host" || fs[0] == "hostssl" || fs[0] == "hostnossl") {
			fs = fs[3:]
		}
		if len(fs) != 2 {
			return nil, fmt.Errorf("%s:%d: want \"host all all ADDRESS METHOD\"", path, ln)
		}
		addr := fs[0]
		switch addr {
		case "all":
			addr = "0.0.0.0/0"
		case "samehost", "localhost":
			addr = "127.0.0.0/8"
		}
		if !strings.Contains(addr, "/") {
			if strings.Contains(addr, ":") {
				addr += "/128"
			} else {
				addr += "/32"
			}
		}
		p, err := netip.ParsePrefix(addr)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, ln, err)
		}
		m := strings.ToLower(fs[1])
		switch m {
		case "trust", "scram-sha-256", "md5", "password", "reject":
		default:
			return nil, fmt.Errorf("%s:%d: unknown method %q", path, ln, fs[1])
		}
		h.Rules = append(h.Rules, HBARule{p.Masked(), m})
		if fs[0] == "all" {
			h.Rules = append(h.Rules, HBARule{netip.MustParsePrefix("::/0"), m})
		}
	}
	return h, sc.Err()
}

func (h *HBA) method(addr net.Addr) string {
	ta, ok := addr.(*net.TCPAddr)
	if !ok {
		return "trust" // Unix socket: local
	}
	ip, _ := netip.AddrFromSlice(ta.IP)
	ip = ip.Unmap()
	for _, r := range h.Rules {
		if r.Net.Contains(ip) {
			return r.Method
		}
	}
	return "reject"
}

// Authenticate implements Authenticator without an address: the strictest
// method applies.
func (h *HBA) Authenticate(ex AuthExchange, user, database string) error {
	return h.AuthenticateFrom(ex, nil, user, database)
}

// AuthenticateFrom runs the method the client's address calls for.
func (h *HBA) AuthenticateFrom(ex AuthExchange, addr net.Addr, user, database string) error {
	m := "scram-sha-256"
	if addr != nil {
		m = h.method(addr)
	}
	failed := &sqlerr.Error{Code: "28P01", Message: fmt.Sprintf("password authentication failed for user \"%s\"", user)}
	verifier, known := h.Verifier(user)
	switch m {
	case "trust":
		return nil
	case "reject":
		return &sqlerr.Error{Code: "28000", Message: fmt.Sprintf("pg_hba.conf rejects connection for host \"%s\", user \"%s\", database \"%s\"", hostOf(addr), user, database)}
	case "password":
		if err := ex.Send(&pgproto3.AuthenticationCleartextPassword{}); err != nil {
			return err
		}
		if err := ex.SetAuthType(pgproto3.AuthTypeCleartextPassword); err != nil {
			return err
		}
		msg, err := ex.Receive()
		if err != nil {
			return err
		}
		pm, ok := msg.(*pgproto3.PasswordMessage)
		if !ok {
			return sqlerr.New(sqlerr.ProtocolViolation, "expected password response")
		}
		if !known {
			return unknownUser(failed)
		}
		if !checkPassword(verifier, pm.Password) {
			return failed
		}
		return nil
	}
	// scram-sha-256 and md5 (SCRAM-stored passwords always use SCRAM).
	if !known {
		// A mock exchange, so an unknown user looks like a wrong password
		// to the client until the very end.
		verifier = mockVerifier(user)
	}
	if err := scramExchange(ex, verifier); err != nil {
		if !known {
			return unknownUser(failed)
		}
		if sqlerr.Code(err) == "28P01" {
			return failed
		}
		return err
	}
	if !known {
		return unknownUser(failed)
	}
	return nil
}

// unknownUser reports an unknown user with the same message as a wrong
// password, under SQLSTATE 28000 (invalid_authorization_specification).
func unknownUser(failed *sqlerr.Error) error {
	e := *failed
	e.Code = "28000"
	return &e
}

func hostOf(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.String()
	}
	return "[local]"
}

type scramSecret struct {
	iter              int
	salt              []byte
	storedKey, server []byte
}

func parseVerifier(v string) (scramSecret, bool) {
	var s scramSecret
	rest, ok := strings.CutPrefix(v, "SCRAM-SHA-256$")
	if !ok {
		return s, false
	}
	ic, keys, ok := strings.Cut(rest, "$")
	if !ok {
		return s, false
	}
	it, salt, ok1 := strings.Cut(ic, ":")
	sk, svk, ok2 := strings.Cut(keys, ":")
	if !ok1 || !ok2 {
		return s, false
	}
	if _, err := fmt.Sscan(it, &s.iter); err != nil {
		return s, false
	}
	var e1, e2, e3 error
	s.salt, e1 = base64.StdEncoding.DecodeString(salt)
	s.storedKey, e2 = base64.StdEncoding.DecodeString(sk)
	s.server, e3 = base64.StdEncoding.DecodeString(svk)
	return s, e1 == nil && e2 == nil && e3 == nil
}

func mockVerifier(user string) string {
	h := sha256.Sum256([]byte("lode-mock-salt:" + user))
	b := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$4096:%s$%s:%s", b(h[:16]), b(h[:]), b(h[:]))
}

func hmacOf(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// checkPassword checks a cleartext password against a SCRAM verifier.
func checkPassword(verifier, password string) bool {
	s, ok := parseVerifier(verifier)
	if !ok {
		return false
	}
	salted := saltedPassword(password, s.salt, s.iter)
	ck := hmacOf(salted, "Client Key")
	stored := sha256.Sum256(ck)
	return subtle.ConstantTimeCompare(stored[:], s.storedKey) == 1
}

// scramExchange runs SCRAM-SHA-256 (RFC 5802/7677, no channel binding)
// against a stored verifier.
func scramExchange(ex AuthExchange, verifier string) error {
	sec, ok := parseVerifier(verifier)
	if !ok {
		return sqlerr.New("28P01", "password authentication failed")
	}
	if err := ex.Send(&pgproto3.AuthenticationSASL{AuthMechanisms: []string{"SCRAM-SHA-256"}}); err != nil {
		return err
	}
	if err := ex.SetAuthType(pgproto3.AuthTypeSASL); err != nil {
		return err
	}
	msg, err := ex.Receive()
	if err != nil {
		return err
	}
	init, ok := msg.(*pgproto3.SASLInitialResponse)
	if !ok || init.AuthMechanism != "SCRAM-SHA-256" {
		return sqlerr.New(sqlerr.ProtocolViolation, "client selected an invalid SASL authentication mechanism")
	}
	cf := string(init.Data)
	var bare string
	switch {
	case strings.HasPrefix(cf, "n,,"), strings.HasPrefix(cf, "y,,"):
		bare = cf[3:]
	default:
		return sqlerr.New(sqlerr.ProtocolViolation, "unsupported SCRAM channel binding")
	}
	var cnonce string
	for _, attr := range strings.Split(bare, ",") {
		if v, ok := strings.CutPrefix(attr, "r="); ok {
			cnonce = v
		}
	}
	if cnonce == "" {
		return sqlerr.New(sqlerr.ProtocolViolation, "malformed SCRAM message")
	}
	sn := make([]byte, 18)
	rand.Read(sn)
	nonce := cnonce + base64.StdEncoding.EncodeToString(sn)
	sf := fmt.Sprintf("r=%s,s=%s,i=%d", nonce, base64.StdEncoding.EncodeToString(sec.salt), sec.iter)
	if err := ex.Send(&pgproto3.AuthenticationSASLContinue{Data: []byte(sf)}); err != nil {
		return err
	}
	if err := ex.SetAuthType(pgproto3.AuthTypeSASLContinue); err != nil {
		return err
	}
	if msg, err = ex.Receive(); err != nil {
		return err
	}
	resp, ok := msg.(*pgproto3.SASLResponse)
	if !ok {
		return sqlerr.New(sqlerr.ProtocolViolation, "expected SASL response")
	}
	final := string(resp.Data)
	i := strings.LastIndex(final, ",p=")
	if i < 0 {
		return sqlerr.New(sqlerr.ProtocolViolation, "malformed SCRAM message")
	}
	withoutProof := final[:i]
	proof, err := base64.StdEncoding.DecodeString(final[i+3:])
	if err != nil || len(proof) != sha256.Size || !strings.Contains(withoutProof, "r="+nonce) {
		return sqlerr.New("28P01", "password authentication failed")
	}
	authMsg := bare + "," + sf + "," + withoutProof
	sig := hmacOf(sec.storedKey, authMsg)
	ck := make([]byte, len(proof))
	for k := range proof {
		ck[k] = proof[k] ^ sig[k]
	}
	got := sha256.Sum256(ck)
	if subtle.ConstantTimeCompare(got[:], sec.storedKey) != 1 {
		return sqlerr.New("28P01", "password authentication failed")
	}
	ss := hmacOf(sec.server, authMsg)
	return ex.Send(&pgproto3.AuthenticationSASLFinal{Data: []byte("v=" + base64.StdEncoding.EncodeToString(ss))})
}
