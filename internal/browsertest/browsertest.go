// Package browsertest starts Debian's headless Chromium for tests of the pages
// people see. Browser tests skip under -short (the fast inner loop) and
// where Chromium is missing outside CI; CI runs them all.
package browsertest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumPath is where Debian's chromium package installs the browser.
const ChromiumPath = "/usr/bin/chromium"

// Require skips a browser test under -short, or where Chromium is missing
// outside CI, and fails it where Chromium is missing in CI. New calls it; a
// test with costly setup before New calls it first, to skip before the setup.
func Require(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test: skipped with -short (the fast inner loop); CI runs it")
	}
	if _, err := os.Stat(ChromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser tests must run in CI: %v", err)
		}
		t.Skipf("no browser: %v", err)
	}
}

// New starts a fresh headless browser (own profile, no background network) and
// returns a chromedp context for it, closed when the test ends.
func New(t testing.TB, opts ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	Require(t)
	all := append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ChromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("mute-audio", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1000, 900),
	}, opts...)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), all...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// ArtifactDir is where tests leave screenshots for people to look at:
// $KOE_ARTIFACTS when set, else a temporary directory.
func ArtifactDir(t testing.TB) string {
	if d := os.Getenv("KOE_ARTIFACTS"); d != "" {
		os.MkdirAll(d, 0o755)
		return d
	}
	return t.TempDir()
}

// Get runs one browser action and returns its value, failing the test on error.
func Get[T any](t testing.TB, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
