package spec

import (
	"slices"
	"strings"
)

// Credential is one credential an operation's security asks for: an API
// key by its parameter or header name, or an http scheme's token.
type Credential struct {
	Kind string // "apiKey", "bearer" (http bearer, oauth2, openIdConnect) or "basic"
	In   string // apiKey: query, header or cookie
	Name string // apiKey: the parameter's name (Tencent's usersig)
}

// Credentials lists the credentials any of the operation's security
// alternatives asks for, each once, in the order the document gives them.
func (o *Operation) Credentials() []Credential {
	var out []Credential
	for _, alt := range o.Security {
		for _, sch := range alt {
			var c Credential
			switch {
			case sch.Type == "apiKey":
				c = Credential{Kind: "apiKey", In: sch.In, Name: sch.Param}
			case sch.Type == "http" && strings.EqualFold(sch.Scheme, "basic"):
				c = Credential{Kind: "basic"}
			case sch.Type == "mutualTLS":
				continue // nothing a request carries
			default:
				c = Credential{Kind: "bearer"}
			}
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// Credentials lists the credentials any operation of the set asks for,
// each once.
func (s *Set) Credentials() []Credential {
	var out []Credential
	for _, op := range s.Operations() {
		for _, c := range op.Credentials() {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}
