package binlog

//go:generate go run ../internal/cmd/gentestdata -dir testdata
