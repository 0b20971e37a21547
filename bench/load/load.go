// Package load is the check-in load generator of `make bench`: the same workers, form and
// counting against the app and against the bare baseline server (bench/baseline), so the two
// numbers compare like for like.
//
// Each worker is one phone: it GETs the check-in form once (a CSRF cookie, the form's token and
// its signed "shown at" stamp), then POSTs check-ins with that stamp, each with an email of its
// own, as fast as the server answers, on one keep-alive connection. The form refuses a stamp
// younger than two seconds (a person cannot fill it faster), so every worker fetches its form
// first and the load starts once the youngest stamp is old enough.
package load

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config is one load run.
type Config struct {
	FormURL  string        // the check-in page (GET); the form's action is where the POSTs go
	Workers  int           // concurrent clients (default 50)
	Duration time.Duration // how long the POSTs go on (default 30 s)
	Tag      string        // makes the emails of this run unique (default: the start time)
	// FillTime is how long to wait after the last form was fetched before the first POST
	// (default 2.1 s: the app refuses a form sent back within 2 s of being shown).
	FillTime time.Duration
	// Timeout bounds one request (default 10 s).
	Timeout time.Duration
	// OnAnswer, when set, hears of every POST: the email it sent, the status answered (0 for a
	// transport error) and how long the answer took. Fault tests use it to know which check-ins
	// were acknowledged. It is called from the workers' goroutines.
	OnAnswer func(email string, status int, took time.Duration)
}

// Result is what a run measured.
type Result struct {
	OK        int           // check-ins answered with a redirect (303) or 200
	Errors    int           // every other answer, and transport errors
	Statuses  map[int]int   // answers by status code (0: a transport error)
	Elapsed   time.Duration // from the first POST to the last answer
	Latencies []time.Duration
	FirstErr  string // the first error seen, for the report
}

// Rate is the check-ins answered OK per second.
func (r Result) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.OK) / r.Elapsed.Seconds()
}

// Percentile returns the latency below which p (0–100) percent of the requests were answered.
func (r Result) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.Latencies)-1) * p / 100)
	return r.Latencies[i]
}

// Max is the slowest answer.
func (r Result) Max() time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	return r.Latencies[len(r.Latencies)-1]
}

// String is the run in one line.
func (r Result) String() string {
	return fmt.Sprintf("%d ok, %d errors in %.1f s: %.0f/s, p50 %s, p90 %s, p99 %s, max %s", r.OK, r.Errors,
		r.Elapsed.Seconds(), r.Rate(), ms(r.Percentile(50)), ms(r.Percentile(90)), ms(r.Percentile(99)), ms(r.Max()))
}

func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) + " ms" }

var (
	formRe   = regexp.MustCompile(`(?s)<form[^>]*data-testid="checkin-form"[^>]*>`)
	actionRe = regexp.MustCompile(`action="([^"]*)"`)
	hiddenRe = regexp.MustCompile(`<input type="hidden" name="(_csrf|stamp|lang)" value="([^"]*)"`)
	optionRe = regexp.MustCompile(`name="interests" value="([^"]*)"`)
)

// form is what a worker read from the check-in page.
type form struct {
	action   string
	fields   url.Values // _csrf and stamp
	interest string     // one of the event's options, if it has any
}

// worker is one simulated phone.
type worker struct {
	id       int
	client   *http.Client
	form     form
	lat      []time.Duration
	status   map[int]int
	ok       int
	err      string
	onAnswer func(email string, status int, took time.Duration)
}

// Run drives cfg's load and returns what it measured. It fails only when the form cannot be
// fetched; errors during the load are counted.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = 50
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 30 * time.Second
	}
	if cfg.FillTime <= 0 {
		cfg.FillTime = 2100 * time.Millisecond
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Tag == "" {
		cfg.Tag = strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	base, err := url.Parse(cfg.FormURL)
	if err != nil {
		return Result{}, fmt.Errorf("load: form URL: %w", err)
	}
	tr := &http.Transport{MaxIdleConns: cfg.Workers, MaxIdleConnsPerHost: cfg.Workers, IdleConnTimeout: time.Minute,
		DisableCompression: true}
	defer tr.CloseIdleConnections()
	ws := make([]*worker, cfg.Workers)
	for i := range ws {
		jar, _ := cookiejar.New(nil)
		ws[i] = &worker{id: i, status: map[int]int{}, client: &http.Client{Transport: tr, Jar: jar, Timeout: cfg.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		f, err := fetchForm(ctx, ws[i].client, base)
		if err != nil {
			return Result{}, err
		}
		ws[i].form = f
	}
	select {
	case <-ctx.Done():
		return Result{}, ctx.Err()
	case <-time.After(cfg.FillTime):
	}
	lctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for _, w := range ws {
		w.onAnswer = cfg.OnAnswer
		wg.Go(func() { w.run(lctx, cfg.Tag) })
	}
	wg.Wait()
	res := Result{Elapsed: time.Since(start), Statuses: map[int]int{}}
	for _, w := range ws {
		res.OK += w.ok
		res.Latencies = append(res.Latencies, w.lat...)
		for s, n := range w.status {
			res.Statuses[s] += n
			if s != http.StatusSeeOther && s != http.StatusOK {
				res.Errors += n
			}
		}
		if res.FirstErr == "" {
			res.FirstErr = w.err
		}
	}
	slices.Sort(res.Latencies)
	return res, nil
}

// fetchForm GETs the check-in page and reads its form.
func fetchForm(ctx context.Context, c *http.Client, page *url.URL) (form, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, page.String(), nil)
	if err != nil {
		return form{}, fmt.Errorf("load: %w", err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return form{}, fmt.Errorf("load: GET the form: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return form{}, fmt.Errorf("load: GET the form: status %d: %w", resp.StatusCode, err)
	}
	tag := formRe.Find(body)
	if tag == nil {
		return form{}, errors.New("load: the page has no checkin-form")
	}
	f := form{action: page.String(), fields: url.Values{}}
	if m := actionRe.FindSubmatch(tag); m != nil {
		a, err := page.Parse(html.UnescapeString(string(m[1])))
		if err == nil {
			f.action = a.String()
		}
	}
	for _, m := range hiddenRe.FindAllSubmatch(body, -1) {
		f.fields.Set(string(m[1]), html.UnescapeString(string(m[2])))
	}
	if m := optionRe.FindSubmatch(body); m != nil {
		f.interest = html.UnescapeString(string(m[1]))
	}
	return f, nil
}

// run posts check-ins until ctx ends.
func (w *worker) run(ctx context.Context, tag string) {
	for n := 0; ctx.Err() == nil; n++ {
		v := url.Values{}
		for k, vs := range w.form.fields {
			v[k] = vs
		}
		v.Set("name", "Bench Person "+strconv.Itoa(w.id)+" "+strconv.Itoa(n))
		v.Set("email", "w"+strconv.Itoa(w.id)+"."+strconv.Itoa(n)+"."+tag+"@bench.example")
		v.Set("company", "Load & Co")
		v.Set("consent", "yes")
		if w.form.interest != "" {
			v.Set("interests", w.form.interest)
		}
		req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodPost, w.form.action,
			strings.NewReader(v.Encode()))
		if err != nil {
			w.fail(0, err)
			return
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		t := time.Now()
		resp, err := w.client.Do(req)
		if err != nil {
			w.fail(0, err)
			if w.onAnswer != nil {
				w.onAnswer(v.Get("email"), 0, time.Since(t))
			}
			time.Sleep(50 * time.Millisecond) // a refused connection answers at once: do not spin
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		took := time.Since(t)
		if w.onAnswer != nil {
			w.onAnswer(v.Get("email"), resp.StatusCode, took)
		}
		w.lat = append(w.lat, took)
		w.status[resp.StatusCode]++
		if resp.StatusCode == http.StatusSeeOther || resp.StatusCode == http.StatusOK {
			w.ok++
		} else if w.err == "" {
			w.err = "status " + strconv.Itoa(resp.StatusCode)
		}
	}
}

func (w *worker) fail(status int, err error) {
	w.status[status]++
	if w.err == "" {
		w.err = err.Error()
	}
}
