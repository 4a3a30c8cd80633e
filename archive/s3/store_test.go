package s3

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/binlogkit/binlogkit/archive"
	"github.com/binlogkit/binlogkit/archive/archivetest"
	"github.com/binlogkit/binlogkit/archive/internal/synth"
)

// realS3 starts versitygw, a real S3 server, with a posix backend in a
// temporary directory, and returns its endpoint and a function that
// creates an empty bucket per call. It skips the test when versitygw is
// not in $PATH (.ci/run installs it) unless BINLOGKIT_REQUIRE_VERSITYGW=1.
func realS3(t *testing.T) (endpoint string, newBucket func(t *testing.T) string) {
	t.Helper()
	bin, err := exec.LookPath("versitygw")
	if err != nil {
		if os.Getenv("BINLOGKIT_REQUIRE_VERSITYGW") == "1" {
			t.Fatal("versitygw not in $PATH")
		}
		t.Skip("versitygw not in $PATH")
	}
	root := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "--access", testAccess, "--secret", testSecret, "--port", addr, "posix", root)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("versitygw output:\n%s", logs.Bytes())
		}
	})
	for deadline := time.Now().Add(15 * time.Second); ; {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw did not listen on %s: %s", addr, logs.Bytes())
		}
		time.Sleep(50 * time.Millisecond)
	}
	endpoint = "http://" + addr
	var n atomic.Int64
	return endpoint, func(t *testing.T) string {
		bucket := fmt.Sprintf("bucket-%d", n.Add(1))
		s := newTestS3(t, endpoint, bucket, nil)
		if _, err := s.client.CreateBucket(context.Background(), &awss3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
			t.Fatal(err)
		}
		return bucket
	}
}

// The credentials versitygw is started with.
const testAccess, testSecret = "binlogkit", "binlogkit-secret"

func newTestS3(t *testing.T, endpoint, bucket string, client *http.Client) *Store {
	s, err := New(&Options{
		Bucket:          bucket,
		Prefix:          "pfx/",
		Endpoint:        endpoint,
		AccessKeyID:     testAccess,
		SecretAccessKey: testSecret,
		PartSize:        5 << 20,
		BaseBackoff:     5 * time.Millisecond,
		MaxBackoff:      50 * time.Millisecond,
		MaxAttempts:     8,
		HTTPClient:      client,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestStore runs the conformance suite against versitygw.
func TestStore(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	endpoint, newBucket := realS3(t)
	archivetest.TestStore(t, func(t *testing.T) archive.Store {
		return newTestS3(t, endpoint, newBucket(t), nil)
	}, nil)
}

// faultTransport injects faults into every period-th request: a 503
// response, a connection reset before the request is sent, a connection
// reset after part of the request body was sent, or a response body cut in
// half. It counts what it injected.
type faultTransport struct {
	base   http.RoundTripper
	period int64
	n      atomic.Int64
	faults atomic.Int64
	always bool // inject into every request
}

func (f *faultTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	i := f.n.Add(1)
	if !f.always && i%f.period != 0 {
		return f.base.RoundTrip(req)
	}
	f.faults.Add(1)
	reset := &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	kind := (i / f.period) % 4
	if kind == 3 && f.always && req.Method != http.MethodGet {
		kind = 0 // a truncated response to a PUT would let it through
	}
	switch kind {
	case 0:
		if req.Body != nil {
			req.Body.Close()
		}
		return &http.Response{
			StatusCode: http.StatusServiceUnavailable,
			Status:     "503 Service Unavailable",
			Header:     http.Header{"Content-Type": {"application/xml"}},
			Body:       io.NopCloser(strings.NewReader(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>injected</Message></Error>`)),
			Request:    req,
		}, nil
	case 1:
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, reset
	case 2:
		if req.Body != nil {
			io.CopyN(io.Discard, req.Body, 1000) // the server sees a truncated request
			req.Body.Close()
		}
		return nil, reset
	default:
		resp, err := f.base.RoundTrip(req)
		if err != nil || resp.ContentLength <= 1 {
			return resp, err
		}
		half := resp.ContentLength / 2
		if f.always {
			half = 0 // no progress at all
		}
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(io.LimitReader(resp.Body, half), iotest_errReader{io.ErrUnexpectedEOF}), resp.Body}
		return resp, nil
	}
}

type iotest_errReader struct{ err error }

func (r iotest_errReader) Read([]byte) (int, error) { return 0, r.err }

// TestStoreFaults runs the conformance suite with a fault in every third
// request: the store retries and passes.
func TestStoreFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	endpoint, newBucket := realS3(t)
	ft := &faultTransport{base: http.DefaultTransport, period: 3}
	archivetest.TestStore(t, func(t *testing.T) archive.Store {
		return newTestS3(t, endpoint, newBucket(t), &http.Client{Transport: ft})
	}, nil)
	t.Logf("%d requests, %d faults injected", ft.n.Load(), ft.faults.Load())
	if ft.faults.Load() < 20 {
		t.Errorf("only %d faults injected", ft.faults.Load())
	}
}

// TestStoreFaultsAlways checks that a store that can never get through
// fails cleanly and stores nothing.
func TestStoreFaultsAlways(t *testing.T) {
	ctx := context.Background()
	endpoint, newBucket := realS3(t)
	bucket := newBucket(t)
	clean := newTestS3(t, endpoint, bucket, nil)
	if err := clean.Put(ctx, "old", strings.NewReader("old"), 3); err != nil {
		t.Fatal(err)
	}
	ft := &faultTransport{base: http.DefaultTransport, period: 1, always: true}
	s := newTestS3(t, endpoint, bucket, &http.Client{Transport: ft})
	for _, size := range []int{1000, 11 << 20} {
		data := synth.Binlog(size, 14)
		if err := s.Put(ctx, "old", bytes.NewReader(data), int64(len(data))); err == nil {
			t.Errorf("Put of %d bytes through faults succeeded", size)
		}
		if err := s.Put(ctx, "new", bytes.NewReader(data), int64(len(data))); err == nil {
			t.Errorf("Put of %d bytes through faults succeeded", size)
		}
	}
	if rc, err := s.Get(ctx, "old"); err == nil {
		if b, err := io.ReadAll(rc); err == nil {
			t.Errorf("Get through faults succeeded: %q", b)
		}
		rc.Close()
	}
	rc, err := clean.Get(ctx, "old")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || string(got) != "old" {
		t.Errorf("old object after failed Puts = %q, %v; want %q", got, err, "old")
	}
	if l := archivetest.MustList(t, clean, ""); len(l) != 1 {
		t.Errorf("objects after failed Puts: %+v, want only old", l)
	}
}

// TestStoreGetResume cuts every GET body in half: reads resume with
// ranged GETs and return the whole object.
func TestStoreGetResume(t *testing.T) {
	ctx := context.Background()
	endpoint, newBucket := realS3(t)
	bucket := newBucket(t)
	data := synth.Binlog(3<<20, 15)
	if err := newTestS3(t, endpoint, bucket, nil).Put(ctx, "x", bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	cut := &cutTransport{base: http.DefaultTransport}
	s := newTestS3(t, endpoint, bucket, &http.Client{Transport: cut})
	rc, err := s.Get(ctx, "x")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("got %d bytes, want %d", len(got), len(data))
	}
	if cut.cuts.Load() < 2 {
		t.Errorf("%d bodies cut, want several", cut.cuts.Load())
	}
}

// cutTransport truncates GET bodies larger than 1 MB to their first half.
type cutTransport struct {
	base http.RoundTripper
	cuts atomic.Int64
}

func (c *cutTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(req)
	if err != nil || req.Method != http.MethodGet || resp.ContentLength < 1<<20 {
		return resp, err
	}
	c.cuts.Add(1)
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(io.LimitReader(resp.Body, resp.ContentLength/2), iotest_errReader{io.ErrUnexpectedEOF}), resp.Body}
	return resp, nil
}

// recordTransport records the requests it passes on.
type recordTransport struct {
	base  http.RoundTripper
	mu    sync.Mutex
	parts int
	sums  []string // checksum headers seen
}

func (r *recordTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	if req.URL.Query().Has("partNumber") {
		r.parts++
	}
	for h := range req.Header {
		if strings.HasPrefix(strings.ToLower(h), "x-amz-checksum") || strings.EqualFold(h, "x-amz-sdk-checksum-algorithm") {
			r.sums = append(r.sums, h)
		}
	}
	r.mu.Unlock()
	return r.base.RoundTrip(req)
}

// TestStoreMultipart checks that large objects go up in parts, and that
// no flexible checksums are sent (S3-compatible servers may reject them).
func TestStoreMultipart(t *testing.T) {
	ctx := context.Background()
	endpoint, newBucket := realS3(t)
	rt := &recordTransport{base: http.DefaultTransport}
	s := newTestS3(t, endpoint, newBucket(t), &http.Client{Transport: rt})
	data := synth.Binlog(12<<20, 17)
	if err := s.Put(ctx, "big", bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "small", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	if rt.parts != 3 {
		t.Errorf("%d parts uploaded, want 3 (12 MiB in 5 MiB parts)", rt.parts)
	}
	if len(rt.sums) > 0 {
		t.Errorf("checksum headers sent: %v", rt.sums)
	}
}
