// Package actioncheck checks a Genesys Cloud data action offline, before
// any API call, for rules that Genesys only enforces in its UI or at run
// time.
//
// The action is one element of an integration spec's actions list, already
// decoded from YAML or JSON into generic values (map[string]any, []any,
// string, bool, numbers, nil), with the keys of the Genesys API: name,
// config (request, response), contract (input.inputSchema,
// output.successSchema) and reconcile's own tests. [Check] returns every
// broken rule as a [Problem] whose At is a JSON pointer (RFC 6901) into the
// action, so that the caller can report the file, line and key. Values of
// the wrong type are skipped: checking types is the JSON Schema's job.
//
// The rules:
//
//  1. Neither contract schema, nor a test's outputSchema, may hold a "$ref":
//     Genesys refuses schema references.
//  2. The input schema is of type object, and none of its properties, at any
//     depth and including array items, is an object (type object, or has
//     properties).
//  3. No top-level input is named orgId, integrationId or rawRequest, which
//     Genesys reserves, compared case-insensitively.
//  4. The output schema has no array directly inside an array.
//  5. Each contract schema nests at most [MaxDepth] levels, counting one
//     level per map or list, the schema itself being level 1.
//  6. The request templates (requestUrlTemplate, requestTemplate and each
//     header) reference only declared inputs (or input.rawRequest),
//     credentials, the Velocity tools esc, math, successTemplateUtils, date
//     and number, and variables the template introduces with #set, #foreach
//     or #macro; anything else is most often a literal dollar sign that
//     should be written $esc.dollar or \$.
//  7. The success template references only translation map keys, rawResult,
//     declared inputs, the tools and its own variables.
//  8. Each translation map value is a JSONPath, a string starting with "$",
//     and each translationMapDefaults key is a translation map key.
//  9. Test names are unique, ignoring case; a test's input has only declared
//     inputs and every required one; a test has output or outputSchema,
//     not both.
//
// [References] is the Velocity lexer behind rules 6 and 7, exported for
// callers that need the references of a template themselves.
package actioncheck
