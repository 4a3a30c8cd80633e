package anonymize_test

import (
	"fmt"

	"github.com/binlogkit/binlogkit/anonymize"
	"github.com/binlogkit/binlogkit/binlog"
)

func Example() {
	rules, err := anonymize.ParseRules([]byte(`{
  "rules": [
    {"name": "names", "columns": ["shop.users.name"], "strategy": "pseudonym", "length": 10}
  ],
  "defaults": true
}`), "rules.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := anonymize.New(rules, &anonymize.Options{Key: []byte("a secret key of the caller")})
	if err != nil {
		fmt.Println(err)
		return
	}
	table := &binlog.TableMap{Schema: "shop", Table: "users", Columns: []binlog.Column{
		{Name: "id", Type: binlog.TypeLong},
		{Name: "name", Type: binlog.TypeVarchar, Meta: 200, Collation: 45},
		{Name: "email", Type: binlog.TypeVarchar, Meta: 400, Collation: 45},
		{Name: "mobile", Type: binlog.TypeVarchar, Meta: 80, Collation: 45},
		{Name: "user_password", Type: binlog.TypeVarchar, Meta: 400, Collation: 45},
	}}
	rows := &binlog.Rows{Kind: binlog.Insert, Table: table, Rows: []binlog.Row{{After: []binlog.Value{
		binlog.IntValue(1),
		binlog.StringValue([]byte("Alice"), 45),
		binlog.StringValue([]byte("alice@example.com"), 45),
		binlog.StringValue([]byte("13812345678"), 45),
		binlog.StringValue([]byte("hunter2"), 45),
	}}}}
	masked, err := m.Rows(rows)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range masked.Rows[0].After {
		fmt.Println(v)
	}
	sql, _ := m.AppendSQL(nil, "UPDATE users SET note = 'call 13912345678' WHERE id = 1")
	fmt.Println(string(sql))
	// Output:
	// 1
	// '1a449e134b'
	// 'a****@example.com'
	// '138****5678'
	// '***'
	// UPDATE users SET note = 'call 139****5678' WHERE id = 1
}
