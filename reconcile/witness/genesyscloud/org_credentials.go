package genesyscloud

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// checkCredential validates a credential body against its type: a known
// type, no unknown field (unless the type is free-form), every required
// field there and not empty. Messages name fields, never their values.
func (o *org) checkCredential(c Credential) error {
	if c.Name == "" {
		return errorf(http.StatusBadRequest, "a credential needs a name")
	}
	ct, ok := o.cat.credTypeByName[c.Type.Name]
	if !ok {
		return errorf(http.StatusBadRequest, "credential type %q does not exist", c.Type.Name)
	}
	if o.cat.freeForm[ct.Name] {
		return nil
	}
	var problems []string
	for _, f := range slices.Sorted(maps.Keys(c.CredentialFields)) {
		if _, ok := ct.Properties[f]; !ok {
			problems = append(problems, fmt.Sprintf("credential type %s has no field %q (its fields: %s)",
				ct.Name, f, strings.Join(slices.Sorted(maps.Keys(ct.Properties)), ", ")))
		}
	}
	for _, f := range ct.Required {
		if c.CredentialFields[f] == "" {
			problems = append(problems, fmt.Sprintf("credential type %s requires the field %q", ct.Name, f))
		}
	}
	if problems != nil {
		return errorf(http.StatusBadRequest, "%s", strings.Join(problems, "; "))
	}
	return nil
}

// createCredential adds a credential.
func (o *org) createCredential(c Credential) (*credential, error) {
	if err := o.checkCredential(c); err != nil {
		return nil, err
	}
	cr := &credential{id: o.newID(), created: o.timestamp()}
	cr.seq = o.nextID
	cr.set(c, cr.created)
	o.credentials = append(o.credentials, cr)
	return cr, nil
}

// putCredential replaces a credential's name, type and fields.
func (o *org) putCredential(id string, c Credential) (*credential, error) {
	cr, err := o.credential(id)
	if err != nil {
		return nil, err
	}
	if err := o.checkCredential(c); err != nil {
		return nil, err
	}
	cr.set(c, o.timestamp())
	return cr, nil
}

func (cr *credential) set(c Credential, modified string) {
	cr.name, cr.typ, cr.modified = c.Name, c.Type.Name, modified
	cr.fields = maps.Clone(c.CredentialFields)
	cr.sum = fieldsSum(cr.id, cr.fields)
}

// fieldsSum is the SHA-256 of a credential's id and fields, in hex.
func fieldsSum(id string, fields map[string]string) string {
	b, _ := json.Marshal(fields) // sorted keys: canonical
	h := sha256.New()
	h.Write([]byte(id))
	h.Write([]byte{0})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// deleteCredential removes a credential. Configurations that refer to it
// keep the dangling reference: what the real API does then is
// unconfirmed.
func (o *org) deleteCredential(id string) error {
	if _, err := o.credential(id); err != nil {
		return err
	}
	o.credentials = slices.DeleteFunc(o.credentials, func(c *credential) bool { return c.id == id })
	return nil
}
