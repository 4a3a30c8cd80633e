module github.com/binlogkit/binlogkit

go 1.25.0

require (
	github.com/go-mysql-org/go-mysql v1.16.0 // indirect
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/klauspost/compress v1.18.6 // indirect
	github.com/pierrec/lz4/v4 v4.1.33 // indirect
	github.com/ulikunitz/xz v0.5.17 // indirect
	golang.org/x/text v0.36.0 // indirect
)
