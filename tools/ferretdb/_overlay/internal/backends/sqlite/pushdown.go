// Added to FerretDB's SQLite backend by checkout-sagas when it builds the embedded server
// (src/stack/ferretdb-patch.ts copies this folder's tree over FerretDB's). Not part of FerretDB.

package sqlite

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// Field names and string values whose JSON text is the same whoever writes it (Go's encoder
// escapes <, > and &, SQLite may not): only these are compared as JSON text.
var (
	plainField = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	plainValue = regexp.MustCompile(`^[A-Za-z0-9_:.@-]*$`)
)

// prepareWhereClause narrows what SQLite returns for a filter; it never decides a match. The
// handlers apply the whole filter again to every row returned, so the clause may keep rows that
// do not match, but must keep every row that does.
//
// FerretDB asks SQLite for one `_id` only. This also asks for top-level fields compared to plain
// strings (`{state: 'recorded'}`, `{status: {$in: [...]}}`), written as the expression
// FerretDB's indexes use, so an index on the field answers instead of a scan of the collection.
// MongoDB also matches a string against an array holding it, so arrays (JSON text starting with
// '[') are always kept.
func prepareWhereClause(filter *types.Document) (string, []any) {
	if filter.Len() == 0 {
		return "", nil
	}

	if v, err := filter.Get("_id"); err == nil {
		switch v.(type) {
		case string, types.ObjectID:
			return fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn), []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}
	}

	seen := map[string]int{}
	for _, k := range filter.Keys() {
		seen[k]++
	}

	var terms []string
	var args []any

	for _, k := range filter.Keys() {
		if seen[k] != 1 || !plainField.MatchString(k) {
			continue
		}

		values := plainStrings(must.NotFail(filter.Get(k)))
		if len(values) == 0 {
			continue
		}

		col := fmt.Sprintf(`%s->'%s'`, metadata.DefaultColumn, k)
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", ")
		terms = append(terms, fmt.Sprintf(`(%[1]s IN (%[2]s) OR (%[1]s >= '[' AND %[1]s < '\'))`, col, marks))

		for _, v := range values {
			args = append(args, `"`+v+`"`)
		}
	}

	if len(terms) == 0 {
		return "", nil
	}

	return " WHERE " + strings.Join(terms, " AND "), args
}

// plainStrings returns the strings a field must equal: `'x'`, `{$eq: 'x'}` or `{$in: ['x', 'y']}`;
// nil for anything else.
func plainStrings(v any) []string {
	switch v := v.(type) {
	case string:
		if plainValue.MatchString(v) {
			return []string{v}
		}
	case *types.Document:
		if v.Len() != 1 {
			return nil
		}

		switch op := v.Keys()[0]; op {
		case "$eq":
			if s, ok := must.NotFail(v.Get(op)).(string); ok && plainValue.MatchString(s) {
				return []string{s}
			}
		case "$in":
			in, ok := must.NotFail(v.Get(op)).(*types.Array)
			if !ok {
				return nil
			}

			var values []string

			for i := 0; i < in.Len(); i++ {
				s, ok := must.NotFail(in.Get(i)).(string)
				if !ok || !plainValue.MatchString(s) {
					return nil
				}

				values = append(values, s)
			}

			return values
		}
	}

	return nil
}
