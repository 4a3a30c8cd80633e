package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/binlogkit/binlogkit/archive"
)

// Options configure a Store. Bucket is required; the zero value of every
// other field gives the default its documentation states. New checks the
// options.
type Options struct {
	// Bucket is the bucket that holds the archive; it is required. Zero
	// ("") is an error of New.
	Bucket string
	// Prefix is prepended to every object name ("archive/db1/"); List and
	// the names it returns do not include it. Zero means object names are
	// the keys.
	Prefix string
	// Endpoint is the URL of an S3-compatible server
	// ("http://127.0.0.1:7070"). Zero means AWS.
	Endpoint string
	// Region is the bucket's region. Zero means $AWS_REGION, then
	// $AWS_DEFAULT_REGION, then "us-east-1".
	Region string
	// AccessKeyID and SecretAccessKey (and SessionToken) are the
	// credentials. Zero (an empty AccessKeyID) means $AWS_ACCESS_KEY_ID,
	// $AWS_SECRET_ACCESS_KEY and $AWS_SESSION_TOKEN.
	AccessKeyID, SecretAccessKey, SessionToken string
	// VirtualHostStyle addresses buckets as bucket.host. Zero means path
	// style, host/bucket, which S3-compatible servers expect.
	VirtualHostStyle bool
	// PartSize is the size in bytes of multipart upload parts, at least
	// 5 MiB (a smaller value is raised to it); objects smaller than one
	// part are sent in one request. Zero (or a negative value) means
	// 16 MiB.
	PartSize int64
	// Concurrency is the number of parts uploaded at once. Zero (or a
	// negative value) means 2.
	Concurrency int
	// MaxAttempts is the number of tries of each request before giving
	// up. Retries follow 5xx responses, throttling, connection resets and
	// truncated responses. Zero (or a negative value) means 6.
	MaxAttempts int
	// BaseBackoff and MaxBackoff bound the delay before a retry: a random
	// duration up to min(MaxBackoff, BaseBackoff·2^attempt). Zero (or a
	// negative value) means 200 ms and 20 s, respectively.
	BaseBackoff, MaxBackoff time.Duration
	// HTTPClient sends the requests. Zero (nil) means the AWS SDK's
	// default client.
	HTTPClient *http.Client
}

// A Store keeps objects in an S3 bucket, or in a server that speaks the
// S3 API (MinIO, versitygw, Ceph...). Request and response checksums are
// only used when the operation requires them, since many S3-compatible
// servers do not implement the newer ones; Put checks the stored size and
// Get the received length instead, and uploads are multipart (never
// partly visible) above PartSize.
type Store struct {
	client *awss3.Client
	//lint:ignore SA1019 transfermanager is not in go.sum and is still v0 (unstable API); manager.Uploader works and is what the conformance suite covers.
	uploader *manager.Uploader
	bucket   string
	prefix   string
	attempts int
}

var _ archive.Store = (*Store)(nil)

// New returns a store in the bucket opts.Bucket. It does no I/O: a missing
// bucket or bad credentials show in the first request.
func New(opts *Options) (*Store, error) {
	if opts == nil || opts.Bucket == "" {
		return nil, fmt.Errorf("%w: archive/s3: New: no bucket", archive.ErrBadOptions)
	}
	o := *opts
	if o.Region == "" {
		o.Region = cmpOr(os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"), "us-east-1")
	}
	if o.AccessKeyID == "" {
		o.AccessKeyID = os.Getenv("AWS_ACCESS_KEY_ID")
		o.SecretAccessKey = os.Getenv("AWS_SECRET_ACCESS_KEY")
		o.SessionToken = os.Getenv("AWS_SESSION_TOKEN")
	}
	if o.PartSize <= 0 {
		o.PartSize = 16 << 20
	}
	o.PartSize = max(o.PartSize, manager.MinUploadPartSize)
	if o.Concurrency <= 0 {
		o.Concurrency = 2
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 6
	}
	if o.BaseBackoff <= 0 {
		o.BaseBackoff = 200 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 20 * time.Second
	}
	cfg := aws.Config{
		Region:                     o.Region,
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
		Retryer:                    func() aws.Retryer { return newRetryer(&o) },
	}
	if o.AccessKeyID != "" {
		cfg.Credentials = credentials.NewStaticCredentialsProvider(o.AccessKeyID, o.SecretAccessKey, o.SessionToken)
	}
	if o.HTTPClient != nil {
		cfg.HTTPClient = o.HTTPClient
	}
	client := awss3.NewFromConfig(cfg, func(so *awss3.Options) {
		so.UsePathStyle = !o.VirtualHostStyle
		if o.Endpoint != "" {
			so.BaseEndpoint = aws.String(o.Endpoint)
		}
	})
	//lint:ignore SA1019 see Store.uploader.
	uploader := manager.NewUploader(client, func(u *manager.Uploader) {
		u.PartSize = o.PartSize
		u.Concurrency = o.Concurrency
		u.LeavePartsOnError = false
		u.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	})
	return &Store{client: client, uploader: uploader, bucket: o.Bucket, prefix: o.Prefix, attempts: o.MaxAttempts}, nil
}

func cmpOr(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// newRetryer is the SDK's standard retryer with our backoff (capped
// exponential with full jitter), more errors treated as transient (every
// 5xx, truncated responses) and no client-side retry quota, which would
// stop retrying during a long outage.
func newRetryer(o *Options) aws.Retryer {
	return retry.NewStandard(func(so *retry.StandardOptions) {
		so.MaxAttempts = o.MaxAttempts
		so.MaxBackoff = o.MaxBackoff
		so.Backoff = jitterBackoff{base: o.BaseBackoff, max: o.MaxBackoff}
		so.RateLimiter = ratelimit.None
		so.Retryables = append(slices.Clone(so.Retryables), retry.IsErrorRetryableFunc(transientError))
	})
}

type jitterBackoff struct{ base, max time.Duration }

// BackoffDelay returns a random delay in [0, min(max, base·2^attempt)).
func (b jitterBackoff) BackoffDelay(attempt int, _ error) (time.Duration, error) {
	d := b.max
	if attempt < 30 {
		d = min(b.max, b.base<<attempt)
	}
	if d <= 0 {
		return 0, nil
	}
	return rand.N(d) + 1, nil
}

// transientError reports 5xx responses and truncated responses or
// connections as retryable.
func transientError(err error) aws.Ternary {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() >= 500 {
		return aws.TrueTernary
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return aws.TrueTernary
	}
	if s := err.Error(); strings.Contains(s, "connection reset") || strings.Contains(s, "broken pipe") {
		return aws.TrueTernary
	}
	return aws.UnknownTernary
}

func (s *Store) key(name string) string { return s.prefix + name }

// Put implements archive.Store. Objects are uploaded in one request, or as a
// multipart upload that S3 only shows once complete; a failed multipart
// upload is aborted.
func (s *Store) Put(ctx context.Context, name string, r io.Reader, size int64) error {
	if err := checkName("put", name); err != nil {
		return err
	}
	body := &countingReader{r: archive.SizedReader(ctx, r, size)}
	//lint:ignore SA1019 see Store.uploader.
	up, err := s.uploader.Upload(ctx, &awss3.PutObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(s.key(name)),
		Body:   body,
	})
	if err != nil {
		if errors.Is(err, archive.ErrSize) {
			return objErr("put", name, archive.ErrSize)
		}
		return objErr("put", name, err)
	}
	// The server got every byte we sent (Content-Length), but check the
	// size of what it stored, unless a concurrent Put replaced it already
	// (another ETag).
	out, err := s.client.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.key(name))})
	if err != nil {
		return objErr("put", name, fmt.Errorf("checking the stored object: %w", err))
	}
	if size := aws.ToInt64(out.ContentLength); size != body.n && (up.ETag == nil || aws.ToString(out.ETag) == aws.ToString(up.ETag)) {
		return objErr("put", name, fmt.Errorf("stored %d bytes, sent %d", size, body.n))
	}
	return nil
}

// Get implements archive.Store. A read that breaks off is resumed where it
// stopped (a ranged GET of the same object version, by ETag), up to
// MaxAttempts times; the reader fails rather than return a short object.
func (s *Store) Get(ctx context.Context, name string) (io.ReadCloser, error) {
	if err := checkName("get", name); err != nil {
		return nil, err
	}
	out, err := s.client.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.key(name))})
	if err != nil {
		return nil, s.err("get", name, err)
	}
	return &reader{s: s, ctx: ctx, name: name, body: out.Body, etag: aws.ToString(out.ETag), size: aws.ToInt64(out.ContentLength)}, nil
}

type reader struct {
	s       *Store
	ctx     context.Context
	name    string
	body    io.ReadCloser
	etag    string
	size    int64 // -1 when unknown
	off     int64
	retries int
	err     error
}

func (r *reader) Read(p []byte) (int, error) {
	for r.err == nil {
		n, err := r.body.Read(p)
		r.off += int64(n)
		if err == io.EOF && r.size >= 0 && r.off < r.size {
			err = io.ErrUnexpectedEOF
		}
		if err == nil || err == io.EOF || n > 0 {
			if err != nil && err != io.EOF {
				// Report the bytes now, resume at the next Read.
				r.resumeOrFail(err)
				return n, nil
			}
			return n, err
		}
		r.resumeOrFail(err)
	}
	return 0, r.err
}

// resumeOrFail reopens the object at r.off after the read error err.
func (r *reader) resumeOrFail(err error) {
	r.body.Close()
	r.body = io.NopCloser(strings.NewReader(""))
	if r.retries+1 >= r.s.attempts || r.ctx.Err() != nil || r.size < 0 {
		r.err = objErr("get", r.name, fmt.Errorf("at offset %d: %w", r.off, err))
		return
	}
	r.retries++
	delay, _ := jitterBackoff{base: 100 * time.Millisecond, max: 5 * time.Second}.BackoffDelay(r.retries, err)
	select {
	case <-time.After(delay):
	case <-r.ctx.Done():
		r.err = r.ctx.Err()
		return
	}
	in := &awss3.GetObjectInput{
		Bucket: aws.String(r.s.bucket),
		Key:    aws.String(r.s.key(r.name)),
		Range:  aws.String(fmt.Sprintf("bytes=%d-", r.off)),
	}
	if r.etag != "" {
		in.IfMatch = aws.String(r.etag)
	}
	out, gerr := r.s.client.GetObject(r.ctx, in)
	if gerr != nil {
		r.err = objErr("get", r.name, fmt.Errorf("at offset %d: %v; resuming: %w", r.off, err, gerr))
		return
	}
	r.body = out.Body
}

func (r *reader) Close() error {
	if r.err == nil {
		r.err = objErr("get", r.name, errors.New("read after Close"))
	}
	return r.body.Close()
}

// Stat implements archive.Store.
func (s *Store) Stat(ctx context.Context, name string) (archive.ObjectInfo, error) {
	if err := checkName("stat", name); err != nil {
		return archive.ObjectInfo{}, err
	}
	out, err := s.client.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.key(name))})
	if err != nil {
		return archive.ObjectInfo{}, s.err("stat", name, err)
	}
	return archive.ObjectInfo{Name: name, Size: aws.ToInt64(out.ContentLength), ModTime: aws.ToTime(out.LastModified)}, nil
}

// List implements archive.Store.
func (s *Store) List(ctx context.Context, prefix string) ([]archive.ObjectInfo, error) {
	var out []archive.ObjectInfo
	p := awss3.NewListObjectsV2Paginator(s.client, &awss3.ListObjectsV2Input{
		Bucket: aws.String(s.bucket),
		Prefix: aws.String(s.prefix + prefix),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, objErr("list", prefix, err)
		}
		for _, o := range page.Contents {
			name, ok := strings.CutPrefix(aws.ToString(o.Key), s.prefix)
			if !ok || !archive.ValidName(name) {
				continue // not one of ours
			}
			out = append(out, archive.ObjectInfo{Name: name, Size: aws.ToInt64(o.Size), ModTime: aws.ToTime(o.LastModified)})
		}
	}
	slices.SortFunc(out, func(a, b archive.ObjectInfo) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Delete implements archive.Store.
func (s *Store) Delete(ctx context.Context, name string) error {
	if err := checkName("delete", name); err != nil {
		return err
	}
	_, err := s.client.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.key(name))})
	if err != nil {
		err := s.err("delete", name, err)
		if errors.Is(err, archive.ErrNotFound) {
			return nil
		}
		return err
	}
	return nil
}

// err returns the *archive.ObjectError of op on name, mapping the SDK's
// not-found errors to archive.ErrNotFound.
func (s *Store) err(op, name string, err error) error {
	var nk *types.NoSuchKey
	var nf *types.NotFound
	var ae smithy.APIError
	var re *smithyhttp.ResponseError
	if errors.As(err, &nk) || errors.As(err, &nf) ||
		(errors.As(err, &ae) && (ae.ErrorCode() == "NoSuchKey" || ae.ErrorCode() == "NotFound")) ||
		(errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound && !isNoSuchBucket(err)) {
		return objErr(op, name, archive.ErrNotFound)
	}
	return objErr(op, name, err)
}

func isNoSuchBucket(err error) bool {
	var nb *types.NoSuchBucket
	var ae smithy.APIError
	return errors.As(err, &nb) || (errors.As(err, &ae) && ae.ErrorCode() == "NoSuchBucket")
}

func checkName(op, name string) error {
	if !archive.ValidName(name) {
		return objErr(op, name, archive.ErrBadName)
	}
	return nil
}

// objErr returns the *archive.ObjectError of the Store method op on the
// object name (for List, the prefix).
func objErr(op, name string, err error) *archive.ObjectError {
	return &archive.ObjectError{Object: name, Op: op, Err: err}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
