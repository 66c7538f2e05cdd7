package store

import (
	"github.com/jinzhu/inflection"
	"github.com/uptrace/bun/schema"
)

// tables names the tables of survey's stored types by their bun model
// names. survey imports no storage package, so its types carry their
// columns in bun tags but no bun.BaseModel to name their table; bun asks
// the table name inflector instead, which the store sets once, here.
var tables = map[string]string{
	"survey":         "surveys",
	"series":         "series",
	"question_model": "questions",
	"response":       "responses",
	"answer":         "answers",
	"invitation":     "invitations",
	"share":          "survey_shares",
}

func init() {
	schema.SetTableNameInflector(func(model string) string {
		if t, ok := tables[model]; ok {
			return t
		}
		return inflection.Plural(model) // bun's own default
	})
}
