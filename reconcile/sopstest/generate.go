package sopstest

import (
	"fmt"
	"os"
	"path/filepath"
)

// OrgCapacity is the most specs one org holds: every vendor at its limit.
const OrgCapacity = 250

// vendorMix lists, for each vendor, its limit and a spec body made from a
// number, in the proportions one full org has.
var vendorMix = []struct {
	limit int
	body  func(i int) string
}{
	{100, func(i int) string {
		return fmt.Sprintf("type: google\ncredentials:\n  type: cloud-platform\n  clientId: \"%d\"\n  clientEmail: sa%d@example.iam.gserviceaccount.com\n  privateKeyId: key%d\n  privateKey: |\n    -----BEGIN PRIVATE KEY-----\n    MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC%07dSECRET\n    -----END PRIVATE KEY-----\n  scopes:\n    - https://www.googleapis.com/auth/cloud-platform\n", i, i, i, i)
	}},
	{50, func(i int) string {
		return fmt.Sprintf("type: salesforce\ncredentials:\n  userName: u%d@example.com\n  password: pw-SECRET-%d\n  securityToken: st-SECRET-%d\n", i, i, i)
	}},
	{50, func(i int) string {
		return fmt.Sprintf("type: web-services\nmtls:\n  clientCertificateAuthority: genesys-cloud\ncredentials:\n  type: basic\n  userName: u%d\n  password: pw-SECRET-%d\n", i, i)
	}},
	{10, func(i int) string {
		return fmt.Sprintf("type: aws-lambda\ncredentials:\n  roleArn: arn:aws:iam::123456789012:role/r%d\n", i)
	}},
	{10, func(i int) string {
		return fmt.Sprintf("type: genesys-cloud-function\ncredentials:\n  fields:\n    apiKey: fn-SECRET-%d\n", i)
	}},
	{10, func(i int) string {
		return fmt.Sprintf("type: microsoft-dynamics-365\ncredentials:\n  userName: u%d\n  password: pw-SECRET-%d\n  organizationUrl: https://org%d.crm.dynamics.com\n  applicationId: 0b5e8d2c-3f4a-4e1b-9c7d-2a6f1e0d9b83\n", i, i, i)
	}},
	{10, func(i int) string {
		return fmt.Sprintf("type: genesys-cloud\ncredentials:\n  clientId: 0b5e8d2c-3f4a-4e1b-9c7d-2a6f1e0d9b83\n  clientSecret: cs-SECRET-%d\n", i)
	}},
	{10, func(i int) string {
		return fmt.Sprintf("type: zendesk\ncredentials:\n  email: agent%d@example.com\n  baseServiceUrl: https://acme%d.zendesk.com\n  apiToken: tok-SECRET-%d\n", i, i, i)
	}},
}

// WriteSpecs writes n valid specs under dir, encrypted for recipient with
// the secrets regex. Up to OrgCapacity they go in dir itself, every vendor
// within its limit; more go in folders org-000, org-001, ... of at most
// OrgCapacity each, one org's worth apiece, to load folder by folder. It
// returns the folders written. Secret values contain SECRET.
func WriteSpecs(dir string, n int, recipient string) ([]string, error) {
	var folders []string
	for org := 0; org*OrgCapacity < n; org++ {
		folder := dir
		if n > OrgCapacity {
			folder = filepath.Join(dir, fmt.Sprintf("org-%03d", org))
		}
		if err := os.MkdirAll(folder, 0o755); err != nil {
			return nil, err
		}
		folders = append(folders, folder)
		count := min(OrgCapacity, n-org*OrgCapacity)
		used := make([]int, len(vendorMix))
		for i, k := 0, 0; i < count; k++ {
			v := k % len(vendorMix)
			if used[v] == vendorMix[v].limit {
				continue
			}
			used[v]++
			num := org*OrgCapacity + i
			body := fmt.Sprintf("name: Integration %05d\nnotes: generated\n", num) + vendorMix[v].body(num)
			enc, err := Encrypt([]byte(body), Options{Recipients: []string{recipient}, EncryptedRegex: SecretsRegex})
			if err != nil {
				return nil, err
			}
			if err := os.WriteFile(filepath.Join(folder, fmt.Sprintf("spec-%05d.yaml", num)), enc, 0o644); err != nil {
				return nil, err
			}
			i++
		}
	}
	return folders, nil
}
