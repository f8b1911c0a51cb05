package lsp

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fcgilint/fcgilint/internal/gentree"
)

// BenchmarkDidChangeToPublish measures, over jsonrpc2, the time from a
// didChange of one site of the generated 2,000-site tree to the
// publishDiagnostics for that version, after warm-up. Each edit comes after
// the server went idle and the debounce interval passed, so it is linted at
// once (the early pass of the edited site, see quickPassLocked); every edit flips the site's fastcgi_pass between its pool and a
// socket nobody listens on, so each result differs from the last.
//
//	go test -run '^$' -bench DidChangeToPublish -benchtime 100x ./lsp
//
// Reports p50, p95 and max latency in ms and the process's resident memory
// with the tree loaded.
func BenchmarkDidChangeToPublish(b *testing.B) { benchmarkLatency(b, false) }

// BenchmarkDidChangeToPublishTyping is the same with an edit every 100 ms,
// whether or not the full pass of the last one is done: the early pass
// then shares the CPU with a full pass.
func BenchmarkDidChangeToPublishTyping(b *testing.B) { benchmarkLatency(b, true) }

func benchmarkLatency(b *testing.B, typing bool) {
	sites := 2000
	if s := os.Getenv("FCGILINT_BENCH_SITES"); s != "" {
		sites, _ = strconv.Atoi(s)
	}
	root := b.TempDir()
	if err := gentree.Generate(gentree.Tree{Root: root, Sites: sites, Pools: 50}); err != nil {
		b.Fatal(err)
	}
	sitePath := filepath.Join(root, "etc/nginx/sites-enabled/site7.conf")
	original, err := os.ReadFile(sitePath)
	if err != nil {
		b.Fatal(err)
	}
	text := func(v int) string {
		if v%2 == 0 {
			return strings.Replace(string(original), "pool7.sock", "nowhere.sock", 1)
		}
		return string(original)
	}
	c := startServer(b, Options{}, nil)
	c.initialize([]string{root}, map[string]any{"root": root})
	c.open(sitePath, text(1))
	c.waitFor(sitePath, "the first result", versionIs(1, lacksRule(passRule)))

	version := 1
	var lastEdit time.Time
	var settled []time.Duration // to the full pass's publication
	edit := func() time.Duration {
		version++
		want := lacksRule(passRule)
		if version%2 == 0 {
			want = hasRule(passRule)
		}
		start := time.Now()
		lastEdit = start
		c.replace(sitePath, version, text(version))
		got := c.waitFor(sitePath, "the edit's result", versionIs(version, want))
		return got.at.Sub(start)
	}
	// The next edit comes once the full pass of the last one is done and
	// the debounce interval has passed: an edit after a pause.
	pause := func() {
		if typing {
			time.Sleep(time.Until(lastEdit.Add(100 * time.Millisecond)))
			return
		}
		c.waitIdle()
		settled = append(settled, time.Since(lastEdit))
		time.Sleep(DefaultDebounce + 5*time.Millisecond)
	}
	for i := 0; i < 10; i++ {
		edit()
		pause()
	}
	latencies := make([]time.Duration, 0, b.N)
	settled = settled[:0]
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		latencies = append(latencies, edit())
		b.StopTimer()
		pause()
		b.StartTimer()
	}
	b.StopTimer()
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	pct := func(p float64) time.Duration { return latencies[min(len(latencies)-1, int(p*float64(len(latencies))))] }
	b.ReportMetric(ms(pct(0.50)), "p50-ms")
	b.ReportMetric(ms(pct(0.95)), "p95-ms")
	b.ReportMetric(ms(latencies[len(latencies)-1]), "max-ms")
	if len(settled) > 0 {
		sort.Slice(settled, func(i, j int) bool { return settled[i] < settled[j] })
		b.ReportMetric(ms(settled[len(settled)/2]), "full-p50-ms")
		b.ReportMetric(ms(settled[min(len(settled)-1, int(0.95*float64(len(settled))))]), "full-p95-ms")
	}
	if rss, ok := residentMiB(); ok {
		b.ReportMetric(rss, "rss-MiB")
	}
}

// residentMiB is VmRSS from /proc/self/status.
func residentMiB() (float64, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			var kib float64
			if _, err := fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), &kib); err == nil {
				return kib / 1024, true
			}
		}
	}
	return 0, false
}
