// Package anonymize masks personal data in binlog events, in the SQL made
// from them and in SQL text, so that a binlog can be handed to a developer,
// a vendor or a test environment: values keep their shape and fit their
// columns, joins on pseudonymized columns still match, and a rewritten
// binlog still replays.
//
// # Rules
//
// A rule matches columns or values and names a Strategy:
//
//   - by column: patterns "db.table.column" with '*' wildcards
//     (Rule.Columns);
//   - by column-name hint: words such as password, phone, email matched
//     against '_'-separated parts of string, bytes and JSON column names
//     (Rule.Hints);
//   - by detector on the value (Rule.Detect): emails, mainland-China mobile
//     numbers (1[3-9] and nine digits), E.164 numbers, Chinese resident ID
//     numbers with a right ISO 7064 MOD 11-2 check character, payment card
//     numbers with a valid Luhn sum, IPv4 and IPv6 addresses. Detectors find
//     their pattern anywhere in a text, in JSON string members, in SQL
//     literals and comments, and only the match is replaced. In numbers
//     (SQL number literals, JSON numbers) they look for phone numbers only:
//     ids and timestamps of 13 to 19 digits pass a Luhn or ID check too
//     often.
//
// For each column, the first rule (in order) that names it and has no
// detectors masks its whole values (a Keep rule thus exempts a column);
// otherwise each detector belongs to the first rule that has it and names
// the column or no column at all.
//
// # Strategies
//
// Partial (138****5678, same length), Redact (a fixed text, 0 for numbers),
// Pseudonym (keyed HMAC-SHA256, hex), Fake (same length and character
// classes, valid check digit or Luhn sum), Null and Keep; see Strategy.
// Pseudonym and Fake are deterministic under Options.Key: the same input
// gives the same output in every file and run, in every column, so joins
// survive. Outputs always fit their column:
//
//   - strings: length in characters (CHAR(n), VARCHAR(n)) and bytes
//     (TINYTEXT 255 bytes), in the column's charset (a text the charset
//     cannot hold does not fit);
//   - numbers stay numbers of the same digit count, within the type's range;
//     DECIMAL keeps precision and scale; dates stay valid dates (Pseudonym and
//     Fake keep the year); ENUM and SET values stay members;
//   - NULL only in a nullable column.
//
// A rule whose output cannot fit is an error at New when the table is
// known in advance (Options.Tables); otherwise the value gets the fallback
// redaction that fits ("***" cut to the column, 0, the first ENUM member,
// POINT(0 0) ...) and the Report counts it as skipped: a value a rule
// applies to is never left as it was.
//
// Column names come from the table map's metadata (binlog_row_metadata=FULL)
// or a binlog.Schema given to the reader; without them, column patterns and
// hints cannot match and only detectors (and patterns ending in "*")
// apply. A value that did not decode (binlog.KindUndecodable) cannot be
// masked: a whole-value rule on it is an error (ErrUndecodable), and
// detectors leave it as it is.
//
// # Applying
//
// Masker.Value masks one value, Masker.Rows a rows event (before and after
// images alike, so that UPDATEs stay consistent), Masker.AppendSQL SQL text
// (lexed: only string and number literals change, never keywords,
// identifiers or quotes), Masker.Event any event (Query text masked,
// Rows_query and Annotate_rows text dropped or masked). There is no
// separate masking of rowevent's SQL and JSON change records: they are
// made from rows, so building them from the rows Masker.Rows returns masks
// them. Rewriting a binlog file is Rewrite. Masker.Report counts, per rule
// and per table, the values matched, masked, and replaced by the fallback
// because the rule's output could not fit.
//
// # Rules file
//
// ParseRules reads rules from JSON:
//
//	{
//	  "defaults": true,                       // optional: append DefaultRules after these
//	  "rules": [
//	    {
//	      "name": "user phones",              // optional: used in errors and the report
//	      "columns": ["shop.users.phone", "*.*.mobile"],
//	      "hints": ["phone"],                 // column-name words
//	      "detect": ["cn_mobile", "e164"],    // email cn_mobile e164 cn_id card ipv4 ipv6
//	      "strategy": "partial",              // partial redact pseudonym fake null keep
//	      "keep_first": 3, "keep_last": 4,    // partial only (negative: keep none)
//	      "text": "***",                      // redact only
//	      "length": 16                        // pseudonym only: hex digits, 1..64
//	    }
//	  ]
//	}
//
// A rule needs one of columns, hints or detect, and a strategy; unknown
// fields are errors. Comments are not JSON: the ones above are for this
// page. Errors (*RuleError) name the file, the line and the rule.
package anonymize
