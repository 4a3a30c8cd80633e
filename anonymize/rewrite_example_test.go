package anonymize_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/binlogkit/binlogkit/anonymize"
	"github.com/binlogkit/binlogkit/binlog"
)

// Rewrite a binlog file with the built-in rules: rows events masked,
// Annotate_rows events dropped, positions and checksums recomputed.
func ExampleRewrite() {
	m, err := anonymize.New(anonymize.DefaultRules(), nil)
	if err != nil {
		log.Fatal(err)
	}
	r, err := binlog.Open("../binlog/testdata/sample.full.binlog", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	var out bytes.Buffer // or an *os.File
	st, err := anonymize.Rewrite(&out, r, m, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d events read, %d written, %d masked, %d dropped\n", st.Events, st.Written, st.Masked, st.Dropped)

	// The output reads back whole.
	n := 0
	for _, err := range binlog.NewReader(&out, nil).All() {
		if err != nil {
			log.Fatal(err)
		}
		n++
	}
	fmt.Println(n, "events read back")
	// Output:
	// 77 events read, 62 written, 2 masked, 15 dropped
	// 62 events read back
}
